#pragma once
// The OpenAPI 3.1 document (docs/openapi.json), embedded at build time by CMakeLists.txt
// into ${CMAKE_BINARY_DIR}/generated/openapi_doc.cpp and served at GET /openapi.json.
#include <string_view>

namespace painel::api {
std::string_view openapi_document();
}  // namespace painel::api
