#include "demo/data.hpp"

#include <cmath>
#include <numeric>

namespace painel::demo {

int64_t Rng::range(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
  return lo + static_cast<int64_t>(next() % span);  // bias < 2^-40 for our spans
}

double Rng::normal() {
  double u1 = 1.0 - uniform();  // (0, 1]: log() stays finite
  double u2 = uniform();
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

int64_t Rng::poisson(double lambda) {
  if (lambda <= 0) return 0;
  if (lambda >= 30) {
    double v = std::round(lambda + std::sqrt(lambda) * normal());
    return v < 0 ? 0 : static_cast<int64_t>(v);
  }
  double limit = std::exp(-lambda), p = 1.0;
  int64_t k = 0;
  for (;;) {
    p *= uniform();
    if (p <= limit) return k;
    ++k;
  }
}

size_t Rng::weighted(const std::vector<double>& w) {
  double total = std::accumulate(w.begin(), w.end(), 0.0);
  double x = uniform() * total;
  for (size_t i = 0; i < w.size(); ++i) {
    if (x < w[i]) return i;
    x -= w[i];
  }
  return w.size() - 1;
}

namespace {
const char kHex[] = "0123456789abcdef";
std::string format_uuid(uint64_t hi, uint64_t lo) {
  std::string s(36, '-');
  size_t pos = 0;
  for (int i = 0; i < 32; ++i) {
    if (pos == 8 || pos == 13 || pos == 18 || pos == 23) ++pos;
    uint64_t word = i < 16 ? hi : lo;
    int shift = 60 - 4 * (i % 16);
    s[pos++] = kHex[(word >> shift) & 0xf];
  }
  return s;
}
}  // namespace

std::string Rng::uuid() {
  uint64_t hi = next(), lo = next();
  hi = (hi & ~0xf000ULL) | 0x4000ULL;                         // version 4
  lo = (lo & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // RFC 4122 variant
  return format_uuid(hi, lo);
}

std::string Rng::uuid_v7(int64_t ms) {
  uint64_t r = next();
  uint64_t hi = (static_cast<uint64_t>(ms) << 16) | 0x7000ULL | (r & 0xfffULL);
  uint64_t lo = (next() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return format_uuid(hi, lo);
}

uint64_t mix_seed(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (stream + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

const std::vector<AgentDef>& agent_catalog() {
  static const std::vector<AgentDef> v = {
      // nigredo: prospecting and sales
      {"prospector-b2b", "Prospector B2B", "vendas", "nigredo",
       "Encontra e qualifica empresas com perfil de compra e agenda reuniões comerciais.", 89900,
       1200, 1800, 1.6, 1.0, "tecnologia,servicos,industria"},
      {"qualificador-leads", "Qualificador de Leads", "vendas", "nigredo",
       "Conversa com leads de formulários e campanhas e pontua a intenção de compra.", 59900, 800,
       900, 1.2, 1.4, ""},
      {"followup-comercial", "Follow-up Comercial", "vendas", "nigredo",
       "Retoma propostas paradas e lembra clientes de orçamentos em aberto.", 39900, 600, 700, 1.0,
       1.0, "servicos,industria"},
      {"recuperador-carrinho", "Recuperador de Carrinho", "varejo", "nigredo",
       "Aborda clientes que abandonaram o carrinho com ofertas personalizadas.", 49900, 500, 600,
       1.0, 0.8, "varejo"},
      // hermes: messaging and customer service
      {"atendente-whatsapp", "Atendente WhatsApp", "atendimento", "hermes",
       "Atende clientes no WhatsApp 24 horas, com transferência para humanos.", 69900, 700, 800,
       1.2, 2.6, ""},
      {"agendador-consultas", "Agendador de Consultas", "saude", "hermes",
       "Marca, confirma e remarca consultas e exames integrando-se à agenda.", 54900, 600, 650, 1.0,
       0.9, "saude"},
      {"disparo-campanhas", "Disparo de Campanhas", "marketing", "hermes",
       "Segmenta contatos e envia campanhas por WhatsApp e e-mail respeitando a LGPD.", 44900, 400,
       500, 0.8, 0.9, "varejo,educacao"},
      {"triagem-emails", "Triagem de E-mails", "atendimento", "hermes",
       "Classifica e responde e-mails de clientes, abrindo chamados quando necessário.", 34900, 900,
       1200, 1.2, 1.1, ""},
      // sophia: knowledge
      {"base-conhecimento", "Base de Conhecimento", "atendimento", "sophia",
       "Responde dúvidas a partir de manuais, políticas e perguntas frequentes da empresa.", 59900,
       1100, 2200, 1.8, 1.3, ""},
      {"assistente-juridico", "Assistente Jurídico", "juridico", "sophia",
       "Resume contratos, aponta cláusulas de risco e acompanha prazos processuais.", 129900, 1500,
       3000, 2.5, 0.5, "servicos,financeiro"},
      {"tutor-educacional", "Tutor Educacional", "educacao", "sophia",
       "Acompanha alunos com exercícios, explicações e planos de estudo.", 79900, 1300, 2500, 2.0,
       0.6, "educacao"},
      {"onboarding-colaboradores", "Onboarding de Colaboradores", "rh", "sophia",
       "Tira dúvidas de novos funcionários sobre benefícios, processos e sistemas internos.", 39900,
       900, 1400, 1.4, 0.6, "industria,tecnologia,logistica"},
      // atlas: operations
      {"rastreamento-entregas", "Rastreamento de Entregas", "logistica", "atlas",
       "Informa status de pedidos e entregas e trata ocorrências com transportadoras.", 49900, 450,
       500, 0.8, 0.8, "logistica,varejo"},
      {"cobranca-automatica", "Cobrança Automática", "financeiro", "atlas",
       "Envia lembretes de vencimento, segunda via de boleto e negocia parcelamentos.", 64900, 550,
       600, 1.0, 1.0, "financeiro,educacao,servicos"},
      {"conciliacao-financeira", "Conciliação Financeira", "financeiro", "atlas",
       "Concilia extratos, notas fiscais e contas a receber e aponta divergências.", 99900, 1400,
       2600, 2.0, 0.6, "financeiro,industria"},
      {"gestao-estoque", "Gestão de Estoque", "varejo", "atlas",
       "Monitora níveis de estoque e sugere pedidos de reposição aos fornecedores.", 59900, 800,
       1000, 1.2, 0.6, "varejo,industria"},
      // oracle: analytics and forecasting
      {"previsao-demanda", "Previsão de Demanda", "analytics", "oracle",
       "Projeta vendas e demanda por produto a partir do histórico e da sazonalidade.", 109900,
       1500, 2800, 2.2, 0.5, "varejo,industria,logistica"},
      {"analise-sentimento", "Análise de Sentimento", "analytics", "oracle",
       "Mede a satisfação dos clientes em conversas, avaliações e redes sociais.", 54900, 700, 900,
       1.2, 0.7, "varejo,saude,servicos"},
      {"detector-fraudes", "Detector de Fraudes", "financeiro", "oracle",
       "Sinaliza transações e cadastros suspeitos em tempo real.", 119900, 350, 450, 0.9, 0.5,
       "financeiro,varejo"},
      {"relatorios-executivos", "Relatórios Executivos", "analytics", "oracle",
       "Gera relatórios semanais com indicadores e recomendações para a diretoria.", 74900, 1450,
       3000, 2.4, 0.6, "tecnologia,industria"},
  };
  return v;
}

const std::vector<SegmentDef>& segments() {
  static const std::vector<SegmentDef> v = {
      {"varejo",
       20,
       {"Padaria", "Supermercado", "Loja", "Farmácia", "Mercado", "Ótica", "Papelaria", "Pet Shop",
        "Livraria", "Empório", "Calçados", "Magazine"}},
      {"saude",
       14,
       {"Clínica", "Laboratório", "Hospital", "Odontologia", "Centro Médico", "Clínica Veterinária",
        "Fisioterapia", "~Saúde"}},
      {"educacao",
       10,
       {"Escola", "Colégio", "Instituto", "Faculdade", "Idiomas", "Centro Educacional",
        "~Educação"}},
      {"financeiro",
       9,
       {"Financeira", "Corretora", "Cooperativa de Crédito", "Seguradora", "~Investimentos",
        "~Crédito", "~Seguros"}},
      {"logistica",
       10,
       {"Transportadora", "Expresso", "Distribuidora", "Armazéns", "~Logística", "~Cargas"}},
      {"servicos",
       15,
       {"Consultoria", "Contabilidade", "Agência", "Imobiliária", "Advocacia", "Hotel",
        "Escritório", "~Serviços", "~Eventos"}},
      {"industria",
       11,
       {"Indústria", "Metalúrgica", "Têxtil", "Cerâmica", "Móveis", "~Alimentos", "~Plásticos",
        "~Embalagens"}},
      {"tecnologia",
       11,
       {"~Tecnologia", "~Software", "~Sistemas", "~Digital", "~Tech", "~Labs", "Informática"}},
  };
  return v;
}

const std::vector<const char*>& name_cores() {
  static const std::vector<const char*> v = {
      "Estrela",     "Sorriso",    "Horizonte",     "Aurora",     "Bela Vista",   "Primavera",
      "Santa Luzia", "São Jorge",  "Boa Esperança", "Ipê",        "Jacarandá",    "Paineira",
      "Atlântico",   "Cruzeiro",   "Pioneira",      "Litoral",    "Serra Azul",   "Vale Verde",
      "Nova Era",    "Progresso",  "Bandeirante",   "Guarani",    "Araucária",    "Sabiá",
      "Beija-Flor",  "Girassol",   "Harmonia",      "Vitória",    "Liberdade",    "Triunfo",
      "Central",     "Imperial",   "Continental",   "Mar Azul",   "Sol Nascente", "Lua Nova",
      "Três Irmãos", "Monte Sião", "Rio Claro",     "Campo Belo", "Porto Seguro", "Costa Dourada",
      "Alvorada",    "Ouro Verde", "Brisa",         "Cristal",    "Diamante",     "Esmeralda",
      "Safira",      "Pérola",     "Oásis",         "Arco-Íris",  "Pedra Branca", "Morada do Sol",
      "Recanto",     "Tropical",   "Amazonas",      "Paraíso",    "Ponte Nova",   "Vila Rica",
      "Canaã",       "Sertão",     "Jequitibá",     "Figueira",   "Carvalho",     "Bom Jesus",
      "Santa Clara", "São Bento",  "Nova Aliança",  "Universo",
  };
  return v;
}

const std::vector<const char*>& name_complements() {
  static const std::vector<const char*> v = {
      "do Sul",   "do Norte", "do Vale", "da Serra", "do Brasil", "& Filhos",  "Express",
      "Premium",  "Center",   "Prime",   "Mais",     "Nordeste",  "Capital",   "Minas",
      "Bahia",    "Paraná",   "Goiás",   "Campinas", "Recife",    "Curitiba",  "Fortaleza",
      "Belém",    "Manaus",   "Santos",  "Niterói",  "Londrina",  "Joinville", "Uberlândia",
      "Sorocaba", "Natal",    "Cuiabá",  "Maceió",
  };
  return v;
}

const std::vector<const char*>& first_names() {
  static const std::vector<const char*> v = {
      "Ana",     "Beatriz", "Camila",  "Daniela",  "Eduarda",  "Fernanda", "Gabriela", "Helena",
      "Isabela", "Juliana", "Larissa", "Mariana",  "Natália",  "Patrícia", "Renata",   "Sofia",
      "Tatiane", "Vanessa", "Aline",   "Bruna",    "André",    "Bruno",    "Carlos",   "Diego",
      "Eduardo", "Felipe",  "Gustavo", "Henrique", "Igor",     "João",     "Lucas",    "Marcelo",
      "Pedro",   "Rafael",  "Rodrigo", "Thiago",   "Vinícius", "Leonardo", "Mateus",   "Caio",
  };
  return v;
}

const std::vector<const char*>& last_names() {
  static const std::vector<const char*> v = {
      "Silva",   "Santos",     "Oliveira", "Souza",     "Rodrigues", "Ferreira", "Alves",
      "Pereira", "Lima",       "Gomes",    "Costa",     "Ribeiro",   "Martins",  "Carvalho",
      "Almeida", "Lopes",      "Soares",   "Fernandes", "Vieira",    "Barbosa",  "Rocha",
      "Dias",    "Nascimento", "Andrade",  "Moreira",   "Nunes",     "Marques",  "Machado",
      "Mendes",  "Freitas",    "Cardoso",  "Ramos",     "Gonçalves", "Santana",  "Teixeira",
      "Araújo",  "Monteiro",   "Batista",  "Correia",   "Pinto",
  };
  return v;
}

const std::vector<IntegrationDef>& integration_defs() {
  static const std::vector<IntegrationDef> v = {
      {"whatsapp",
       {"WhatsApp Business", "WhatsApp Atendimento", "WhatsApp Vendas"},
       {"401 Unauthorized: token de acesso do WhatsApp Business expirado",
        "Número desconectado: leia o QR Code novamente no aparelho",
        "429 Too Many Requests: limite de mensagens da Meta atingido"}},
      {"email",
       {"E-mail (SMTP)", "Caixa de suporte", "E-mail corporativo"},
       {"Tempo limite excedido ao conectar em smtp.office365.com:587",
        "535 5.7.8 Autenticação SMTP recusada: verifique usuário e senha",
        "Certificado TLS do servidor IMAP expirado"}},
      {"crm",
       {"CRM RD Station", "Salesforce", "HubSpot CRM", "Pipedrive"},
       {"403 Forbidden: a chave de API do CRM foi revogada",
        "Campo obrigatório 'cnpj' ausente no mapeamento de contatos",
        "503 Service Unavailable ao sincronizar oportunidades"}},
      {"erp",
       {"ERP TOTVS Protheus", "SAP Business One", "Omie ERP", "Bling ERP"},
       {"Falha ao autenticar no ERP: senha do usuário de integração expirada",
        "Tempo limite excedido na consulta de pedidos (30 s)",
        "Versão da API do ERP não suportada (v1 descontinuada)"}},
      {"webhook",
       {"Webhook de pedidos", "Webhook de cobranças", "Webhook de cadastro"},
       {"Endpoint respondeu 500 Internal Server Error em 5 tentativas",
        "Falha de DNS ao resolver o endereço do webhook",
        "Certificado TLS inválido no endpoint do webhook"}},
  };
  return v;
}

const std::vector<std::pair<const char*, const char*>>& staff_incidents() {
  static const std::vector<std::pair<const char*, const char*>> v = {
      {"Lentidão nas respostas do agente",
       "Cliente relatou respostas acima de 5 segundos no horário de pico."},
      {"Respostas fora do tom da marca",
       "Ajustar instruções do agente para linguagem mais formal, conforme pedido do cliente."},
      {"Dúvida sobre consumo de tokens",
       "Cliente pediu detalhamento do consumo de tokens do último mês."},
      {"Mensagens duplicadas no WhatsApp",
       "Alguns clientes finais receberam a mesma mensagem duas vezes."},
      {"Relatório semanal não enviado",
       "O relatório de segunda-feira não chegou aos destinatários configurados."},
      {"Erro ao importar base de conhecimento",
       "Arquivo PDF de 80 MB rejeitado na importação; solicitar divisão do documento."},
  };
  return v;
}

const std::vector<const char*>& command_errors() {
  static const std::vector<const char*> v = {
      "tempo limite excedido ao executar o comando",
      "agente não contratado por este tenant",
      "integração não encontrada",
      "falha ao conectar ao provedor externo (503)",
      "incidente já estava resolvido",
  };
  return v;
}

const std::vector<double>& hour_weights_utc() {
  static const std::vector<double> v = [] {
    // Weights by Brasília local hour 0..23, rotated to UTC (local + 3).
    const double local[24] = {0.12, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2,  0.45,
                              0.8,  1.0,  1.0,  1.0,  0.75, 0.85, 1.0,  1.0,
                              0.95, 0.85, 0.65, 0.5,  0.42, 0.35, 0.25, 0.18};
    double total = 0;
    for (double w : local) total += w;
    std::vector<double> utc(24);
    for (int h = 0; h < 24; ++h) utc[static_cast<size_t>((h + 3) % 24)] = local[h] / total;
    return utc;
  }();
  return v;
}

}  // namespace painel::demo
