#pragma once
// TenantScope: the only way a caller can name a tenant in a tenant-area query. Every
// tenant-scoped repository function takes one. It can be made only by
// make_tenant_scope(), which is defined next to the tenant-selection rule
// (api/scope.cpp: from the token, or for staff from a validated id), so the store can
// require a scope without knowing how callers authenticate.
#include <string>

namespace painel::store {

class TenantScope {
 public:
  const std::string& tenant_id() const { return tenant_id_; }
  bool internal_reader() const { return internal_reader_; }

 private:
  friend TenantScope make_tenant_scope(std::string id, bool internal_reader);
  TenantScope(std::string id, bool internal)
      : tenant_id_(std::move(id)), internal_reader_(internal) {}
  std::string tenant_id_;
  bool internal_reader_;
};

// Defined in api/scope.cpp, the one place that applies the tenant-selection rule.
TenantScope make_tenant_scope(std::string id, bool internal_reader);

}  // namespace painel::store
