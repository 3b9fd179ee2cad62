#pragma once
// Migration 19's SQL, the same on both dialects: the shipped plans (domain/plans.hpp, the
// original system's limits) replace the limits migration 1 shipped, on each plan row still
// holding those (a plan an operator has changed keeps its values).
#include <string>

namespace painel::store {

std::string plan_defaults_migration_sql();

}  // namespace painel::store
