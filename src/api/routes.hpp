#pragma once
// Route registration: each route group adds its entries (path, method, groups, handler)
// to the App's table in its own file.
namespace painel::auth {
class TokenService;
}
namespace painel::api {
class App;
void add_auth_routes(App& app, auth::TokenService& tokens);
void add_system_routes(App& app);  // healthz, readyz, metrics
void add_all_routes(App& app);     // everything (calls each group)
}  // namespace painel::api
