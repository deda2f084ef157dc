#pragma once
#include "core/web/app.hpp"
#include "hotline/store.hpp"

namespace passerelle::hotline {
// Pages: /questions…, /faq…
void register_routes(web::App& app);
// API: /api/v1/questions, /api/v1/faq, /api/v1/hotline/categories, /api/v1/hotline/report.
void register_api_routes(web::App& app);

// Who looks (routes_common.cpp): staff (admin, network) handle the questions of
// their subtrees; members read and answer their organisations' questions.
HotlineAccess access_of(web::Ctx& ctx);
bool is_staff(web::Ctx& ctx);
// The organisations a member asks for (where they hold the member role).
std::vector<std::pair<std::int64_t, std::string>> member_organisations(web::Ctx& ctx);
// The question or 404 (unknown, or outside the caller's reach).
Question question_or_404(web::Ctx& ctx, std::int64_t id);
// The question or 404, and only if the caller handles it (staff of its subtree).
Question managed_or_404(web::Ctx& ctx, std::int64_t id);

// Notifications (hotline/mail.hpp): called when a question is asked (`event`
// "created"), assigned to a colleague ("assigned", `q` with its new
// assignee), after a reply ("reply", `detail` the state after it, `body` the
// reply, `by_staff` who wrote) or a state change ("state", `detail` the new
// state), inside the request's transaction, with the question as it was before.
void on_question_event(db::Connection& db, const Question& q, std::string_view event, std::string_view detail,
                       bool by_staff = false, const std::string& body = "");

// Shared by pages and API: validates and writes, returning the errors (French,
// by field) or nothing. Each writes the audit row.
web::Errors create_question_from(web::Ctx& ctx, const QuestionInput& in, const std::optional<web::Ctx::Upload>& file,
                                 std::int64_t& id);
web::Errors reply_to(web::Ctx& ctx, const Question& q, const std::string& body, const std::string& then);
web::Errors transition(web::Ctx& ctx, const Question& q, const std::string& to);
web::Errors attach(web::Ctx& ctx, const Question& q, const std::string& filename, const std::string& bytes);
web::Errors rate_question(web::Ctx& ctx, const Question& q, const RatingInput& in);
web::Errors assign_to(web::Ctx& ctx, const Question& q, const std::string& assignee);
// The attachment as a download, audited; 404 when not of a question the caller sees.
http::Response attachment_download(web::Ctx& ctx, std::int64_t question_id, std::int64_t attachment_id);
// The report period from the query (from, to: "YYYY-MM-DD"; defaults: the last
// 12 months); BadRequest with a French message when malformed.
ReportFilter report_filter(web::Ctx& ctx);
}  // namespace passerelle::hotline
