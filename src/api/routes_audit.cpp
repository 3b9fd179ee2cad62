// /internal/audit and /internal/audit/verify — INTERNAL_ADMIN only.
#include "api/app.hpp"
#include "api/csv_export.hpp"
#include "api/params.hpp"
#include "api/render_rows.hpp"
#include "api/routes.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "store/audit.hpp"
#include "store/store.hpp"

namespace painel::api {

namespace {

// The whole filtered log, newest first, read page by page on its seq (rows appended while
// the file is written are not in it and shift nothing). Metadata is the JSON text.
http::Response audit_csv(const AuditDeps& d, const store::AuditFilter& f, const CsvFormat& fmt) {
  auto before = std::make_shared<std::optional<int64_t>>();
  CsvPages pages = [d, f, before](CsvWriter& w) {
    int64_t n = 0;
    *before = store::audit_page_before(d.store.conn(), f, *before, kCsvPageRows,
                                       [&](const store::AuditRow& e) {
                                         ++n;
                                         w.text(e.id).text(e.created_at).text(e.actor);
                                         w.text(e.role).text(e.action).text(e.tenant_id);
                                         w.text(e.target).text(e.request_id).text(e.ip);
                                         w.text(e.metadata).end_row();
                                       });
    return n == kCsvPageRows;
  };
  return csv_response(fmt, "painel-audit.csv",
                      {"id", "created_at", "actor", "role", "action", "tenant_id", "target",
                       "request_id", "ip", "metadata"},
                      std::move(pages));
}

}  // namespace

void add_audit_routes(http::Router& router, const AuditDeps& d) {
  using http::Access;
  router.add({"GET",
              "/internal/audit",
              Access::User,
              auth::kInternalAdmin,
              16 * 1024,
              {},
              [d](http::RouteContext& ctx) {
                auto& req = ctx.req;
                store::AuditFilter f;
                f.actor = parse_opt_text(req, "actor", 100);
                if (auto t = parse_opt_uuid(req, "tenant_id")) f.tenant_id = t;
                f.action = parse_opt_text(req, "action", 64);
                for (auto [name, slot] : {std::pair{"from", &f.from}, std::pair{"to", &f.to}}) {
                  if (auto v = req.query_param(name)) {
                    auto ms = parse_rfc3339(*v);
                    auto day = parse_day(*v);
                    if (!ms && !day)
                      throw invalid_field(std::string(name), "invalid-format",
                                          std::string(name) + " must be RFC 3339 or YYYY-MM-DD");
                    int64_t at =
                        ms ? *ms : *day * 86400000 + (std::string(name) == "to" ? 86399999 : 0);
                    *slot = format_rfc3339(at);
                  }
                }
                if (f.from && f.to && *f.from > *f.to)
                  throw invalid_field("from", "out-of-range", "from must not be after to");
                if (auto csv = csv_requested(req)) return audit_csv(d, f, *csv);
                auto pg = parse_page(req);
                f.limit = pg.limit;
                f.offset = pg.offset;
                int64_t total = 0;
                auto rows = store::audit_list(d.store.conn(), f, total);
                JsonOut j;
                j.begin_object().key("events").begin_array();
                for (auto& e : rows) render_audit_event(j, e);
                page_fields(j.end_array(), total, pg).end_object();
                return json_response(j.take());
              }});
  router.add({"GET",
              "/internal/audit/verify",
              Access::User,
              auth::kInternalAdmin,
              16 * 1024,
              {},
              [d](http::RouteContext&) {
                auto& st = d.store;
                auto v = store::audit_verify(st.conn(), st.audit_checkpoint_seen.load());
                JsonOut j;
                j.begin_object()
                    .kv("ok", v.ok)
                    .kv("checked", v.checked)
                    .kv("first_bad_id", v.first_bad_id)
                    .kv("problem",
                        v.problem.empty() ? std::nullopt : std::optional<std::string>(v.problem))
                    .kv("truncated", v.truncated)
                    .key("head")
                    .begin_object()
                    .kv("id", v.head_id)
                    .kv("hash", v.head_hash)
                    .kv("count", v.checked)
                    .end_object()
                    .kv("keyed_after_seq", v.keyed_after_seq)
                    .key("checkpoint");
                if (v.checkpoint)
                  j.begin_object()
                      .kv("id", v.checkpoint->id)
                      .kv("created_at", v.checkpoint->created_at)
                      .kv("count", v.checkpoint->count)
                      .end_object();
                else
                  j.null();
                j.kv("rows_after_checkpoint", v.rows_after_checkpoint).end_object();
                return json_response(j.take());
              }});
}

}  // namespace painel::api
