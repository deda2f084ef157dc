#include "core/auth/auth.hpp"

#include <sodium.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "core/auth/audit.hpp"

namespace passerelle::auth {
namespace {

void ensure_sodium() {
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium could not be initialised");
}

std::string format_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Session lookups are cached for a few seconds: a page view costs no query
// for its session. Logout removes the entry at once on this server; other
// servers notice within the cache lifetime.
constexpr auto kCacheLifetime = std::chrono::seconds(5);
struct CachedSession {
  Principal principal;
  std::chrono::steady_clock::time_point fetched;
};
std::mutex g_cache_mutex;
std::unordered_map<std::string, CachedSession> g_cache;

std::vector<Grant> load_grants(db::Connection& db, std::int64_t user_id) {
  std::vector<Grant> grants;
  auto r = db.query(
      "SELECT ur.role, o.id, o.path, o.name FROM user_roles ur JOIN organisations o ON o.id = ur.organisation_id "
      "WHERE ur.user_id = ? ORDER BY o.path, ur.role",
      {user_id});
  for (auto& row : r.rows) grants.push_back({row.text(0), row.integer(1), row.text(2), row.text(3)});
  return grants;
}

int count_failures(db::Connection& db, const std::string& key, const std::string& since) {
  auto r = db.query("SELECT COUNT(*) FROM login_failures WHERE key = ? AND at > ?", {key, since});
  return static_cast<int>(r.rows.at(0).integer(0));
}

}  // namespace

bool is_role(std::string_view code) {
  for (auto r : kRoles)
    if (r == code) return true;
  return false;
}

bool User::has_role(std::string_view role) const {
  for (auto& g : grants)
    if (g.role == role) return true;
  return false;
}

bool User::has_any_role(std::initializer_list<std::string_view> roles) const {
  for (auto r : roles)
    if (has_role(r)) return true;
  return false;
}

std::vector<std::string> User::scope_roots(std::initializer_list<std::string_view> roles) const {
  std::vector<std::string> paths;
  for (auto& g : grants) {
    bool wanted = roles.size() == 0;
    for (auto r : roles) wanted = wanted || g.role == r;
    if (wanted) paths.push_back(g.organisation_path);
  }
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> roots;
  for (auto& p : paths)
    if (roots.empty() || !p.starts_with(roots.back())) roots.push_back(p);
  return roots;
}

bool User::can_reach(std::string_view organisation_path, std::initializer_list<std::string_view> roles) const {
  if (organisation_path.empty()) return false;
  for (auto& root : scope_roots(roles))
    if (organisation_path.starts_with(root)) return true;
  return false;
}

std::string hash_password(std::string_view password) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    throw std::runtime_error("out of memory while hashing a password");
  return out;
}

bool verify_password(std::string_view hash, std::string_view password) {
  ensure_sodium();
  std::string h(hash);
  return crypto_pwhash_str_verify(h.c_str(), password.data(), password.size()) == 0;
}

std::string random_token(std::size_t bytes) {
  ensure_sodium();
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  hex.pop_back();
  return hex;
}

std::string sha256_hex(std::string_view data) {
  ensure_sodium();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string now_utc() { return format_utc(std::time(nullptr)); }
std::string utc_after(std::int64_t seconds) { return format_utc(std::time(nullptr) + seconds); }

std::optional<std::string> check_password_strength(std::string_view password) {
  if (password.size() < 10) return "Le mot de passe doit compter au moins 10 caractères.";
  if (password.size() > 200) return "Le mot de passe ne doit pas dépasser 200 caractères.";
  return std::nullopt;
}

std::optional<std::int64_t> find_user_id(db::Connection& db, std::string_view email) {
  auto r = db.query("SELECT id FROM users WHERE email = ?", {lower(email)});
  if (r.empty()) return std::nullopt;
  return r.rows[0].integer(0);
}

std::optional<User> load_user(db::Connection& db, std::int64_t user_id) {
  auto r = db.query("SELECT id, email, display_name FROM users WHERE id = ? AND disabled = 0", {user_id});
  if (r.empty()) return std::nullopt;
  User u{r.rows[0].integer(0), r.rows[0].text(1), r.rows[0].text(2), {}};
  u.grants = load_grants(db, u.id);
  return u;
}

LoginResult login(db::Connection& db, std::string_view email_in, std::string_view password,
                  std::string_view remote_addr, const Settings& settings) {
  LoginResult result;
  auto email = lower(email_in);
  auto since = utc_after(-settings.throttle_window_s);
  auto account_key = "account:" + email;
  auto address_key = "address:" + std::string(remote_addr);
  if (count_failures(db, account_key, since) >= settings.max_failures_per_account ||
      count_failures(db, address_key, since) >= settings.max_failures_per_address) {
    audit::record(db, 0, "login_throttled", "user", 0, email, remote_addr);
    result.error = LoginError::throttled;
    return result;
  }
  auto r = db.query("SELECT id, password_hash, disabled FROM users WHERE email = ?", {email});
  // Verify against a dummy hash when the account is unknown, so that timing
  // does not tell which e-mails have an account.
  static const std::string dummy = hash_password("passerelle-dummy-password");
  bool known = !r.empty();
  bool ok = verify_password(known ? r.rows[0].text(1) : dummy, password) && known;
  if (!ok) {
    auto now = now_utc();
    db.query("INSERT INTO login_failures (key, at) VALUES (?, ?)", {account_key, now});
    db.query("INSERT INTO login_failures (key, at) VALUES (?, ?)", {address_key, now});
    audit::record(db, known ? r.rows[0].integer(0) : 0, "login_failed", "user", 0, email, remote_addr);
    result.error = LoginError::bad_credentials;
    return result;
  }
  result.user_id = r.rows[0].integer(0);
  if (r.rows[0].integer(2) != 0) {
    audit::record(db, result.user_id, "login_refused_disabled", "user", result.user_id, email, remote_addr);
    result.error = LoginError::disabled;
    return result;
  }
  db.query("DELETE FROM login_failures WHERE key = ?", {account_key});
  auto token = random_token(32);  // 256 bits
  auto now = now_utc();
  db.query(
      "INSERT INTO sessions (id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, remote_addr) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)",
      {sha256_hex(token), result.user_id, random_token(32), now, now, utc_after(settings.absolute_timeout_s),
       std::string(remote_addr)});
  // Housekeeping: expired sessions of this user go away.
  db.query("DELETE FROM sessions WHERE user_id = ? AND (expires_at < ? OR last_seen_at < ?)",
           {result.user_id, now, utc_after(-settings.idle_timeout_s)});
  audit::record(db, result.user_id, "login", "user", result.user_id, email, remote_addr);
  result.session_token = token;
  return result;
}

void logout(db::Connection& db, const Principal& principal) {
  if (principal.session_hash.empty()) return;
  db.query("DELETE FROM sessions WHERE id_hash = ?", {principal.session_hash});
  {
    std::lock_guard lock(g_cache_mutex);
    g_cache.erase(principal.session_hash);
  }
  audit::record(db, principal.user.id, "logout", "user", principal.user.id, "");
}

std::optional<Principal> from_session(db::Connection& db, std::string_view raw_token, const Settings& settings) {
  if (raw_token.size() != 64) return std::nullopt;
  auto hash = sha256_hex(raw_token);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(g_cache_mutex);
    auto it = g_cache.find(hash);
    if (it != g_cache.end() && now - it->second.fetched < kCacheLifetime) return it->second.principal;
  }
  auto stamp = now_utc();
  auto r = db.query("SELECT user_id, csrf_token FROM sessions WHERE id_hash = ? AND expires_at > ? AND last_seen_at > ?",
                    {hash, stamp, utc_after(-settings.idle_timeout_s)});
  if (r.empty()) {
    std::lock_guard lock(g_cache_mutex);
    g_cache.erase(hash);
    return std::nullopt;
  }
  auto user = load_user(db, r.rows[0].integer(0));
  if (!user) return std::nullopt;
  db.query("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", {stamp, hash});
  Principal p{std::move(*user), hash, r.rows[0].text(1), false};
  std::lock_guard lock(g_cache_mutex);
  if (g_cache.size() > 10000) g_cache.clear();
  g_cache[hash] = {p, now};
  return p;
}

std::optional<Principal> from_bearer(db::Connection& db, std::string_view raw_token) {
  if (raw_token.empty() || raw_token.size() > 200) return std::nullopt;
  auto hash = sha256_hex(raw_token);
  auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(g_cache_mutex);
    auto it = g_cache.find("t" + hash);
    if (it != g_cache.end() && now - it->second.fetched < kCacheLifetime) return it->second.principal;
  }
  auto r = db.query("SELECT id, user_id FROM api_tokens WHERE token_hash = ? AND revoked_at IS NULL", {hash});
  if (r.empty()) return std::nullopt;
  auto user = load_user(db, r.rows[0].integer(1));
  if (!user) return std::nullopt;
  db.query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?", {now_utc(), r.rows[0].integer(0)});
  Principal p{std::move(*user), "", "", true};
  std::lock_guard lock(g_cache_mutex);
  g_cache["t" + hash] = {p, now};
  return p;
}

void forget_cached_sessions() {
  std::lock_guard lock(g_cache_mutex);
  g_cache.clear();
}

std::int64_t add_user(db::Connection& db, std::string_view email, std::string_view display_name,
                      std::string_view password) {
  auto r = db.query(
      "INSERT INTO users (email, display_name, password_hash, disabled, created_at) VALUES (?, ?, ?, 0, ?) RETURNING id",
      {lower(email), std::string(display_name), hash_password(password), now_utc()});
  return r.rows.at(0).integer(0);
}

void grant_role(db::Connection& db, std::int64_t user_id, std::int64_t organisation_id, std::string_view role) {
  db.query("INSERT INTO user_roles (user_id, organisation_id, role) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
           {user_id, organisation_id, std::string(role)});
  forget_cached_sessions();
}

void set_password(db::Connection& db, std::int64_t user_id, std::string_view password) {
  db.query("UPDATE users SET password_hash = ? WHERE id = ?", {hash_password(password), user_id});
  db.query("DELETE FROM sessions WHERE user_id = ?", {user_id});
  forget_cached_sessions();
}

void set_disabled(db::Connection& db, std::int64_t user_id, bool disabled) {
  db.query("UPDATE users SET disabled = ? WHERE id = ?", {disabled ? 1 : 0, user_id});
  if (disabled) {
    db.query("DELETE FROM sessions WHERE user_id = ?", {user_id});
    db.query("UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL", {now_utc(), user_id});
  }
  forget_cached_sessions();
}

std::string create_token(db::Connection& db, std::int64_t user_id, std::string_view name) {
  auto token = "psl_" + random_token(32);
  db.query("INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)",
           {user_id, std::string(name), sha256_hex(token), now_utc()});
  return token;
}

std::vector<TokenInfo> list_tokens(db::Connection& db, std::int64_t user_id) {
  std::vector<TokenInfo> out;
  auto r = db.query(
      "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens WHERE user_id = ? ORDER BY id DESC",
      {user_id});
  for (auto& row : r.rows) out.push_back({row.integer(0), row.text(1), row.text(2), row.text(3), row.text(4)});
  return out;
}

bool revoke_token(db::Connection& db, std::int64_t user_id, std::int64_t token_id) {
  auto r = db.query("UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL",
                    {now_utc(), token_id, user_id});
  forget_cached_sessions();
  return r.affected > 0;
}

}  // namespace passerelle::auth
