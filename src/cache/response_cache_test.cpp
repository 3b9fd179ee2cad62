#include "cache/response_cache.hpp"

#include <gtest/gtest.h>

using namespace painel::cache;

TEST(Cache, ExpiresAndInvalidatesPerTenant) {
  LocalCache c(1000);
  c.put(cache_key("/tenant/me", "A", "TENANT_USER", ""), "A", {"a", "e1"}, 100, 0);
  c.put(cache_key("/tenant/me", "B", "TENANT_USER", ""), "B", {"b", "e2"}, 100, 0);
  c.put(cache_key("/internal/tenants", "*", "INTERNAL_ADMIN", ""), "*", {"all", "e3"}, 100, 0);
  EXPECT_EQ(c.get(cache_key("/tenant/me", "A", "TENANT_USER", ""), 50)->body, "a");
  EXPECT_FALSE(c.get(cache_key("/tenant/me", "A", "TENANT_USER", ""), 100));  // expired
  c.put(cache_key("/tenant/me", "A", "TENANT_USER", ""), "A", {"a", "e1"}, 100, 0);
  c.invalidate_tenant("A");
  EXPECT_FALSE(c.get(cache_key("/tenant/me", "A", "TENANT_USER", ""), 1));
  EXPECT_FALSE(
      c.get(cache_key("/internal/tenants", "*", "INTERNAL_ADMIN", ""), 1));  // cross-tenant too
  EXPECT_EQ(c.get(cache_key("/tenant/me", "B", "TENANT_USER", ""), 1)->body, "b");
}

TEST(Cache, KeysNeverCollideAcrossTenantsOrRoles) {
  EXPECT_NE(cache_key("/tenant/me", "A", "TENANT_USER", ""),
            cache_key("/tenant/me", "B", "TENANT_USER", ""));
  EXPECT_NE(cache_key("/tenant/usage", "A", "TENANT_USER", ""),
            cache_key("/tenant/usage", "A", "TENANT_ADMIN", ""));
}

TEST(Cache, ScopeIsReadBackFromTheKey) {
  EXPECT_EQ(cache_key_scope(cache_key("/tenant/agents", "t-1", "TENANT_USER", "status=all&")),
            "t-1");
  EXPECT_EQ(cache_key_scope(cache_key("/internal/tenants", "*", "INTERNAL_ADMIN", "q=a|b&")), "*");
  EXPECT_EQ(cache_key_scope("no-separator"), "");
}

TEST(Cache, AnInvalidationDuringARenderVoidsItsPut) {
  // A reader misses, renders from the store (old figures), a write commits and
  // invalidates, then the reader puts: the stale answer must not be kept for a TTL.
  LocalCache c(1000);
  auto key = cache_key("/tenant/usage", "A", "TENANT_ADMIN", "period=7d&");
  EXPECT_FALSE(c.get(key, 0));  // miss: the render starts
  c.invalidate_tenant("A");     // the write lands while it renders
  c.put(key, "A", {"old", "e0"}, 60000, 1);
  EXPECT_FALSE(c.get(key, 2));  // the next reader renders the new figures
  c.put(key, "A", {"new", "e1"}, 60000, 3);
  EXPECT_EQ(c.get(key, 4)->body, "new");
  // a miss followed by a put with no invalidation in between is kept
  auto other = cache_key("/tenant/me", "B", "TENANT_USER", "");
  EXPECT_FALSE(c.get(other, 5));
  c.put(other, "B", {"b", "e2"}, 60000, 6);
  EXPECT_EQ(c.get(other, 7)->body, "b");
}
