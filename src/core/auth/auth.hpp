#pragma once
// Accounts, sessions, API tokens, login throttling, roles and scopes.
// A role is held *in* an organisation and reaches that organisation's subtree
// (organisations carry a materialized path "/1/5/23/").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.hpp"

namespace passerelle::auth {

// Stable role codes (labels live in network/model.hpp and templates).
inline constexpr std::string_view kRoles[] = {"admin",    "network",     "supervisor", "referent",
                                              "facilitator", "partner", "member"};
bool is_role(std::string_view code);

struct Grant {
  std::string role;
  std::int64_t organisation_id = 0;
  std::string organisation_path;  // "/1/5/"
  std::string organisation_name;
};

struct User {
  std::int64_t id = 0;
  std::string email;
  std::string display_name;
  std::vector<Grant> grants;

  bool has_role(std::string_view role) const;
  bool has_any_role(std::initializer_list<std::string_view> roles) const;
  // Paths of the organisations where the user holds one of `roles` (all roles
  // when empty), with nested ones removed: the roots of the user's scope.
  std::vector<std::string> scope_roots(std::initializer_list<std::string_view> roles = {}) const;
  // True when an organisation with this path is inside that scope.
  bool can_reach(std::string_view organisation_path, std::initializer_list<std::string_view> roles = {}) const;
};

// The caller of a request, from a session cookie or a bearer token.
struct Principal {
  User user;
  std::string session_hash;  // empty for a token
  std::string csrf_token;    // empty for a token
  bool via_token = false;
};

// Passwords (Argon2id through libsodium) and secrets.
std::string hash_password(std::string_view password);
bool verify_password(std::string_view hash, std::string_view password);
std::string random_token(std::size_t bytes = 32);  // hex
std::string sha256_hex(std::string_view data);
std::string now_utc();                     // "2026-11-25T08:12:03Z"
std::string utc_after(std::int64_t seconds);  // now + seconds, same format

struct Settings {
  std::int64_t idle_timeout_s = 2 * 3600;
  std::int64_t absolute_timeout_s = 12 * 3600;
  int max_failures_per_account = 5;   // within throttle_window_s
  int max_failures_per_address = 20;
  std::int64_t throttle_window_s = 15 * 60;
};

enum class LoginError { bad_credentials, throttled, disabled };

struct LoginResult {
  std::optional<std::string> session_token;  // raw value for the cookie
  std::optional<LoginError> error;
  std::int64_t user_id = 0;
};

// Verifies credentials with throttling, then opens a new session (a fresh id
// at every login: rotation). Writes the audit log.
LoginResult login(db::Connection& db, std::string_view email, std::string_view password,
                  std::string_view remote_addr, const Settings& settings = {});
void logout(db::Connection& db, const Principal& principal);

// Resolves a session cookie (cached for a few seconds) or a bearer token.
std::optional<Principal> from_session(db::Connection& db, std::string_view raw_token, const Settings& settings = {});
std::optional<Principal> from_bearer(db::Connection& db, std::string_view raw_token);
void forget_cached_sessions();  // tests and user changes

std::optional<User> load_user(db::Connection& db, std::int64_t user_id);
std::optional<std::int64_t> find_user_id(db::Connection& db, std::string_view email);

// Accounts (command line and administration).
std::int64_t add_user(db::Connection& db, std::string_view email, std::string_view display_name,
                      std::string_view password);
void grant_role(db::Connection& db, std::int64_t user_id, std::int64_t organisation_id, std::string_view role);
void set_password(db::Connection& db, std::int64_t user_id, std::string_view password);
void set_disabled(db::Connection& db, std::int64_t user_id, bool disabled);

// Personal API tokens: the raw token is returned once, only its hash is kept.
struct TokenInfo {
  std::int64_t id = 0;
  std::string name, created_at, last_used_at, revoked_at;
};
std::string create_token(db::Connection& db, std::int64_t user_id, std::string_view name);
std::vector<TokenInfo> list_tokens(db::Connection& db, std::int64_t user_id);
bool revoke_token(db::Connection& db, std::int64_t user_id, std::int64_t token_id);

// Password rule shared by forms and the command line; French message or nullopt.
std::optional<std::string> check_password_strength(std::string_view password);

}  // namespace passerelle::auth
