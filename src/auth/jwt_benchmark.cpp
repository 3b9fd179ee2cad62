// Costs on the request path: verifying a bearer token with and without the verified-token
// cache, issuing a token, and (for tests/demo data) a Fast password hash.
#include <benchmark/benchmark.h>

#include "auth/jwt.hpp"
#include "auth/password.hpp"

namespace painel::auth {
namespace {

constexpr int64_t kNow = 1'700'000'000;

Claims bench_claims() {
  Claims c;
  c.sub = "8f0c2d3e-6d0b-4b8e-9a57-2f7e3c1d9a10";
  c.email = "ana@example.com";
  c.token_use = "access";
  c.iss = "https://painel.example/auth";
  c.aud = "painel-web";
  c.jti = "0123456789abcdef";
  c.groups = {"TENANT_ADMIN"};
  c.tenant_id = "tenant-42";
  c.iat = kNow;
  c.exp = kNow + 3600;
  return c;
}

void verify_same_token(benchmark::State& state, bool use_cache) {
  const SigningKey key = SigningKey::generate();
  VerifierConfig config;
  config.issuer = "https://painel.example/auth";
  config.audiences = {"painel-web"};
  config.use_cache = use_cache;
  const JwtVerifier verifier(config, {PublicKey::from_signing_key(key)});
  const std::string token = encode_jwt(bench_claims(), key);
  for (auto _ : state) {
    VerifyResult r = verifier.verify(token, "access", kNow);
    if (!r.ok()) state.SkipWithError(to_string(r.error));
    benchmark::DoNotOptimize(r);
  }
}

void BM_VerifyWithCache(benchmark::State& state) { verify_same_token(state, true); }
void BM_VerifyWithoutCache(benchmark::State& state) { verify_same_token(state, false); }
BENCHMARK(BM_VerifyWithCache)->ThreadRange(1, 2);
BENCHMARK(BM_VerifyWithoutCache)->ThreadRange(1, 2);

void BM_EncodeJwt(benchmark::State& state) {
  const SigningKey key = SigningKey::generate();
  const Claims claims = bench_claims();
  for (auto _ : state) benchmark::DoNotOptimize(encode_jwt(claims, key));
}
BENCHMARK(BM_EncodeJwt);

void BM_HashPasswordFast(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(hash_password("correct horse battery", PasswordCost::Fast));
  }
}
BENCHMARK(BM_HashPasswordFast);

}  // namespace
}  // namespace painel::auth
