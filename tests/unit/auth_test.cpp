// core/auth: role scopes (pure), passwords, sessions, throttling and tokens
// on both engines.
#include "core/auth/audit.hpp"
#include "core/auth/auth.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::auth {
namespace {

User user_with(std::vector<Grant> grants) {
  User u;
  u.id = 1;
  u.grants = std::move(grants);
  return u;
}

TEST(RoleScopes, ARoleReachesItsOrganisationsSubtreeOnly) {
  auto u = user_with({{"network", 2, "/1/2/", "Délégation Île-de-France"}});
  EXPECT_TRUE(u.can_reach("/1/2/"));
  EXPECT_TRUE(u.can_reach("/1/2/15/40/"));
  EXPECT_FALSE(u.can_reach("/1/"));
  EXPECT_FALSE(u.can_reach("/1/20/")) << "a sibling whose id starts with the same digits";
  EXPECT_FALSE(u.can_reach(""));
}

TEST(RoleScopes, ScopeRootsDropNestedGrantsAndFilterByRole) {
  auto u = user_with({{"referent", 15, "/1/2/15/", "PLIE de Paris"},
                      {"network", 2, "/1/2/", "Délégation Île-de-France"},
                      {"member", 30, "/1/5/30/", "Solipass"}});
  EXPECT_EQ(u.scope_roots(), (std::vector<std::string>{"/1/2/", "/1/5/30/"}));
  EXPECT_EQ(u.scope_roots({"referent"}), (std::vector<std::string>{"/1/2/15/"}));
  EXPECT_TRUE(u.can_reach("/1/2/15/", {"referent"}));
  EXPECT_FALSE(u.can_reach("/1/2/16/", {"referent"})) << "the referent role does not reach the whole delegation";
  EXPECT_TRUE(u.can_reach("/1/2/16/", {"network"}));
  EXPECT_TRUE(u.has_any_role({"admin", "member"}));
  EXPECT_FALSE(u.has_role("admin"));
}

TEST(Passwords, Argon2idHashesVerifyAndDiffer) {
  auto a = hash_password("correct horse battery");
  auto b = hash_password("correct horse battery");
  EXPECT_TRUE(a.starts_with("$argon2id$"));
  EXPECT_NE(a, b) << "salted";
  EXPECT_TRUE(verify_password(a, "correct horse battery"));
  EXPECT_FALSE(verify_password(a, "correct horse batterie"));
  EXPECT_TRUE(check_password_strength("court").has_value());
  EXPECT_FALSE(check_password_strength("assez-long-1").has_value());
}

TEST(Secrets, TokensAreRandomAndHashesStable) {
  EXPECT_EQ(random_token(32).size(), 64u);
  EXPECT_NE(random_token(32), random_token(32));
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class AuthStore : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    network::OrganisationInput in;
    in.name = "Fédération Passerelle";
    in.kind = "federation";
    org = network::create_organisation(conn(), in, std::nullopt);
    user = add_user(conn(), "Claire.Martin@Example.fr", "Claire Martin", "mot-de-passe-solide");
    grant_role(conn(), user, org, "network");
    forget_cached_sessions();
  }
  std::int64_t org = 0, user = 0;
};

TEST_P(AuthStore, LoginOpensARotatedSessionThatResolvesToTheUserAndItsRoles) {
  auto first = login(conn(), "claire.martin@example.fr", "mot-de-passe-solide", "127.0.0.1");
  ASSERT_TRUE(first.session_token) << "e-mail is case-insensitive";
  auto second = login(conn(), "CLAIRE.MARTIN@example.fr", "mot-de-passe-solide", "127.0.0.1");
  ASSERT_TRUE(second.session_token);
  EXPECT_NE(*first.session_token, *second.session_token) << "a new session id at every login";
  auto p = from_session(conn(), *second.session_token);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->user.email, "claire.martin@example.fr");
  ASSERT_EQ(p->user.grants.size(), 1u);
  EXPECT_EQ(p->user.grants[0].role, "network");
  EXPECT_EQ(p->csrf_token.size(), 64u);
  // Only the hash is stored.
  EXPECT_TRUE(conn().query("SELECT 1 FROM sessions WHERE id_hash = ?", {*second.session_token}).empty());
  logout(conn(), *p);
  EXPECT_FALSE(from_session(conn(), *second.session_token).has_value());
}

TEST_P(AuthStore, WrongPasswordsAreThrottledPerAccount) {
  Settings s;
  s.max_failures_per_account = 5;
  for (int i = 0; i < 5; ++i) {
    auto r = login(conn(), "claire.martin@example.fr", "mauvais", "10.0.0.1", s);
    EXPECT_EQ(r.error, LoginError::bad_credentials);
  }
  auto blocked = login(conn(), "claire.martin@example.fr", "mot-de-passe-solide", "10.0.0.2", s);
  EXPECT_EQ(blocked.error, LoginError::throttled) << "even the right password waits";
  EXPECT_FALSE(blocked.session_token);
  audit::Filter f;
  f.action = "login_failed";
  EXPECT_EQ(audit::search(conn(), f).size(), 5u);
}

TEST_P(AuthStore, SessionsExpireWhenIdle) {
  Settings s;
  s.idle_timeout_s = 60;
  auto r = login(conn(), "claire.martin@example.fr", "mot-de-passe-solide", "127.0.0.1", s);
  ASSERT_TRUE(r.session_token);
  conn().query("UPDATE sessions SET last_seen_at = ?", {utc_after(-120)});
  forget_cached_sessions();
  EXPECT_FALSE(from_session(conn(), *r.session_token, s).has_value());
}

TEST_P(AuthStore, DisabledAccountsCannotLogInAndLoseTheirTokens) {
  auto token = create_token(conn(), user, "Tableur");
  ASSERT_TRUE(from_bearer(conn(), token).has_value());
  set_disabled(conn(), user, true);
  EXPECT_EQ(login(conn(), "claire.martin@example.fr", "mot-de-passe-solide", "127.0.0.1").error, LoginError::disabled);
  EXPECT_FALSE(from_bearer(conn(), token).has_value());
}

TEST_P(AuthStore, TokensAreShownOnceStoredHashedAndRevocable) {
  auto token = create_token(conn(), user, "Script de suivi");
  EXPECT_TRUE(token.starts_with("psl_"));
  EXPECT_TRUE(conn().query("SELECT 1 FROM api_tokens WHERE token_hash = ?", {token}).empty());
  auto p = from_bearer(conn(), token);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->via_token);
  auto tokens = list_tokens(conn(), user);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].name, "Script de suivi");
  EXPECT_FALSE(revoke_token(conn(), user + 1, tokens[0].id)) << "someone else's token";
  EXPECT_TRUE(revoke_token(conn(), user, tokens[0].id));
  EXPECT_FALSE(from_bearer(conn(), token).has_value());
  EXPECT_FALSE(from_bearer(conn(), "psl_nope").has_value());
}

INSTANTIATE_ON_BOTH_ENGINES(AuthStore);

}  // namespace
}  // namespace passerelle::auth
