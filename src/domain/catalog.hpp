#pragma once
// The agent catalog's rules (API.md, "Administration"): which sub-nuclei and statuses an
// agent may have, how a name becomes its slug, and when two names are "the same name".
#include <string>
#include <string_view>

namespace painel::domain {

// The values of agents.subnucleus's CHECK constraint (migration 1), in its order.
inline constexpr std::string_view kSubnuclei[] = {"nigredo", "hermes", "sophia", "atlas",
                                                  "oracle"};
// agents.status (migration 11): a retired agent takes no new contracts; existing ones run on.
inline constexpr std::string_view kAgentStatuses[] = {"active", "retired"};

bool valid_subnucleus(std::string_view s);
// "nigredo, hermes, …" for messages.
std::string subnucleus_list();

// The URL-safe slug of a text: accents folded, lower case, '&' as "e", runs of anything
// else but [a-z0-9] as one '-', no '-' at either end ("Cobrança & Vendas" →
// "cobranca-e-vendas"); empty when the text has no letter or digit. (Demo data uses it too.)
std::string slugify(std::string_view text);
// slugify(name), or "agent" for a name without a letter or digit.
std::string agent_slug(std::string_view name);
// Names compare without case, accents or surrounding/repeated spaces: "Agente  de Cobrança"
// and "agente de cobranca" are the same catalog entry (409 on create or rename).
std::string agent_name_key(std::string_view name);

}  // namespace painel::domain
