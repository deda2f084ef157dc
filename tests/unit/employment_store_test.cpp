// employment/store on both engines: offers in scope, the CV library with its
// ranked, accent-insensitive search and filters, CV files, positionings with
// their history, the partner's narrow view and the consent rule.
#include "core/auth/auth.hpp"
#include "employment/store.hpp"
#include "network/store.hpp"
#include "test_db.hpp"

namespace passerelle::employment {
namespace {

template <class T>
T ok(std::expected<T, web::Errors> r) {
  if (!r) {
    std::string all;
    for (auto& e : r.error()) all += e.field + ": " + e.message + "\n";
    throw std::runtime_error("unexpected errors:\n" + all);
  }
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

std::string message_of(const web::Errors& errors, const std::string& field) {
  const auto* e = web::find_error(errors, field);
  return e ? e->message : std::string("<no error on ") + field + ">";
}

class EmploymentStore : public testing::EngineTest {
 protected:
  void SetUp() override {
    EngineTest::SetUp();
    if (IsSkipped()) return;
    mde = org("Maison de l'emploi de Nantes", "mde", std::nullopt);
    employer = org("Propreté Atlantique", "employer", get_org(mde));
    other = org("PLIE d'ailleurs", "plie", std::nullopt);
    other_employer = org("Bâtiment d'ailleurs", "employer", get_org(other));
    ml = org("Mission locale de Paris", "mission_locale", std::nullopt);
    facilitator = user("Fabien Facilitateur", mde, "facilitator");
    partner = user("Pauline Partenaire", ml, "partner");
    partner2 = user("Paul Partenaire", ml, "partner");
    fac = Viewer{{get_org(mde).path}, std::nullopt};
    stranger = Viewer{{get_org(other).path}, std::nullopt};
    pauline = Viewer{{get_org(ml).path}, partner};
  }

  std::int64_t org(const std::string& name, const std::string& kind, const std::optional<network::Organisation>& parent) {
    network::OrganisationInput in;
    in.name = name;
    in.kind = kind;
    in.postcode = "44100";
    in.department = "44";
    in.commune = "Nantes";
    return network::create_organisation(conn(), in, parent);
  }
  network::Organisation get_org(std::int64_t id) { return *network::get_organisation(conn(), {""}, id); }

  std::int64_t user(const std::string& name, std::int64_t organisation, const std::string& role) {
    static int n = 0;
    auto id = conn()
                  .query("INSERT INTO users (email, display_name, password_hash, disabled, created_at) "
                         "VALUES (?, ?, 'x', 0, ?) RETURNING id",
                         {"emp" + std::to_string(++n) + "-" + std::to_string(organisation) + "@test.fr", name,
                          auth::now_utc()})
                  .rows.at(0)
                  .integer(0);
    auth::grant_role(conn(), id, organisation, role);
    return id;
  }

  OfferInput offer_input(std::int64_t employer_id, const std::string& title, const std::string& rome = "K2204",
                         const std::string& contract = "cddi") {
    OfferInput in;
    in.employer_id = std::to_string(employer_id);
    in.title = title;
    in.rome_code = rome;
    in.contract_type = contract;
    in.weekly_hours = "26";
    in.positions = "1";
    in.start_date = "2020-05-11";
    in.status = "open";
    in.place = "Nantes";
    in.department = "44";
    return in;
  }

  ProfileInput profile(const std::string& first, const std::string& last, std::vector<std::string> trades,
                       const std::string& skills = "", bool consent = true) {
    ProfileInput p;
    p.first_name = first;
    p.last_name = last;
    p.target_trades = std::move(trades);
    p.skills = skills;
    p.commune = "Nantes";
    p.department = "44";
    if (consent) {
      p.consent = "1";
      p.consent_date = "2020-04-01";
    }
    return p;
  }

  std::vector<std::string> names(const ProfilePage& page) {
    std::vector<std::string> out;
    for (auto& r : page.items) out.push_back(r.first_name);
    return out;
  }

  std::int64_t mde = 0, employer = 0, other = 0, other_employer = 0, ml = 0;
  std::int64_t facilitator = 0, partner = 0, partner2 = 0;
  Viewer fac, stranger, pauline;
};

TEST_P(EmploymentStore, RomeReferenceListIsShipped) {
  EXPECT_TRUE(rome_known(conn(), "F1703"));
  EXPECT_TRUE(rome_known(conn(), "K2204"));
  EXPECT_FALSE(rome_known(conn(), "Z9999"));
  EXPECT_GE(rome_codes(conn()).size(), 40u);
}

TEST_P(EmploymentStore, OffersStayInTheirScope) {
  auto id = ok(create_offer(conn(), fac.scope, mde, offer_input(employer, "Agent·e d'entretien"), facilitator));
  auto f = get_offer(conn(), fac, id);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->employer_name, "Propreté Atlantique");
  EXPECT_EQ(f->rome_label, "Nettoyage de locaux");
  EXPECT_EQ(f->weekly_minutes, 26 * 60);
  EXPECT_FALSE(get_offer(conn(), stranger, id));
  EXPECT_TRUE(list_offers(conn(), stranger, {}).empty());
  // An employer outside the scope cannot be chosen.
  auto bad = create_offer(conn(), fac.scope, mde, offer_input(other_employer, "Maçon"), facilitator);
  ASSERT_FALSE(bad);
  EXPECT_EQ(message_of(bad.error(), "employer_id"), "Employeur introuvable dans votre périmètre.");
  // A partner sees open offers only.
  auto draft = offer_input(employer, "Plongeur");
  draft.status = "draft";
  auto draft_id = ok(create_offer(conn(), fac.scope, mde, draft, facilitator));
  EXPECT_TRUE(get_offer(conn(), pauline, id));
  EXPECT_FALSE(get_offer(conn(), pauline, draft_id));
  EXPECT_EQ(list_offers(conn(), fac, {}).size(), 2u);
  EXPECT_EQ(list_offers(conn(), pauline, {}).size(), 1u);
}

TEST_P(EmploymentStore, OfferStatusChangesAreHistoryRowsAndContractIsOptional) {
  auto in = offer_input(employer, "Agent·e d'entretien");
  auto id = ok(create_offer(conn(), fac.scope, mde, in, facilitator));
  EXPECT_FALSE(get_offer(conn(), fac, id)->contract_id);
  in.status = "filled";
  // The linked contract must be one of the caller's territory (clauses module).
  auto contract_of = [&](std::int64_t organisation, const std::string& reference) {
    auto at = auth::now_utc();
    auto buyer = conn()
                     .query("INSERT INTO public_buyers (organisation_id, buyer_organisation_id, created_at, updated_at) "
                            "VALUES (?, ?, ?, ?) RETURNING id",
                            {organisation, organisation, at, at})
                     .rows.at(0)
                     .integer(0);
    return conn()
        .query("INSERT INTO public_contracts (organisation_id, buyer_id, reference, sort_reference, search_text, title, "
               "sector, holder_organisation_id, amount_cents, notified_on, start_date, end_date, clause_type, "
               "required_minutes, hours_mode, status, status_since, created_at, updated_at) VALUES (?, ?, ?, ?, '', "
               "'Nettoyage', 'cleaning', ?, 100000, '2020-01-02', '2020-02-01', '2021-01-31', 'execution_condition', "
               "6000, 'entered', 'active', '2020-02-01', ?, ?) RETURNING id",
               {organisation, buyer, reference, reference, employer, at, at})
        .rows.at(0)
        .integer(0);
  };
  auto ours = contract_of(mde, "2020-DPE-0142");
  auto theirs = contract_of(other, "BREST-2020-7");
  in.contract_id = std::to_string(theirs);
  auto refused = update_offer(conn(), fac.scope, id, in, facilitator, "Poste pourvu");
  ASSERT_FALSE(refused);
  EXPECT_EQ(message_of(refused.error(), "contract_id"),
            "Aucun marché public n° " + std::to_string(theirs) +
                " dans votre périmètre : vérifiez le numéro sur la fiche du marché, ou laissez ce champ vide.");
  EXPECT_EQ(get_offer(conn(), fac, id)->status, "open");  // nothing saved
  in.contract_id = std::to_string(ours);
  ok(update_offer(conn(), fac.scope, id, in, facilitator, "Poste pourvu"));
  auto f = get_offer(conn(), fac, id);
  EXPECT_EQ(f->status, "filled");
  EXPECT_EQ(f->contract_id, ours);
  EXPECT_EQ(contract_reference(conn(), fac.scope, ours), "2020-DPE-0142");
  EXPECT_FALSE(contract_reference(conn(), fac.scope, theirs));
  auto h = offer_history(conn(), id);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].status, "open");
  EXPECT_EQ(h[1].status, "filled");
  EXPECT_EQ(h[1].reason, "Poste pourvu");
  EXPECT_EQ(h[1].user_name, "Fabien Facilitateur");
}

TEST_P(EmploymentStore, SearchIsAccentInsensitiveRankedAndFiltered) {
  auto cook = ok(create_profile(conn(), mde, profile("Awa", "Diallo", {"G1602"}, "Plonge, HACCP"), facilitator, false));
  auto cleaner = ok(create_profile(conn(), mde, profile("Bilal", "Martin", {"K2204"}, "Cuisine familiale"), facilitator, false));
  auto mason = ok(create_profile(conn(), mde, profile("Céline", "Éluard", {"F1703"}, "Coffrage"), facilitator, false));
  auto elsewhere = ok(create_profile(conn(), other, profile("Zoé", "Cuisinier", {"G1602"}), facilitator, false));
  (void)elsewhere;
  // "cuisine": the cook (trade "Personnel de cuisine") before the cleaner (skills only).
  auto page = search_profiles(conn(), fac, {.q = "cuisine"});
  EXPECT_EQ(names(page), (std::vector<std::string>{"Awa", "Bilal"}));
  EXPECT_EQ(page.total, 2);
  EXPECT_GT(page.items[0].rank, page.items[1].rank);
  // Accents and case ignored, both ways.
  EXPECT_EQ(names(search_profiles(conn(), fac, {.q = "ELUARD"})), (std::vector<std::string>{"Céline"}));
  EXPECT_EQ(names(search_profiles(conn(), fac, {.q = "maçonnerie"})), (std::vector<std::string>{"Céline"}));
  // Filters.
  EXPECT_EQ(names(search_profiles(conn(), fac, {.trade = "K2204"})), (std::vector<std::string>{"Bilal"}));
  EXPECT_EQ(search_profiles(conn(), fac, {.department = "75"}).total, 0);
  auto p = profile("Driss", "Benali", {"N1103"});
  p.driving_licence = "1";
  p.available_from = "2020-06-01";
  auto driver = ok(create_profile(conn(), mde, p, facilitator, false));
  EXPECT_EQ(names(search_profiles(conn(), fac, {.licence = true})), (std::vector<std::string>{"Driss"}));
  auto before_june = search_profiles(conn(), fac, {.available_before = "2020-05-15"});
  EXPECT_EQ(before_june.total, 3);  // no date = available now; Driss only from June
  EXPECT_EQ(search_profiles(conn(), fac, {.available_before = "2020-06-01"}).total, 4);
  // Keyset pagination on (rank, id) loses and repeats nothing.
  ProfileFilter f{.limit = 3};
  auto first = search_profiles(conn(), fac, f);
  ASSERT_EQ(first.items.size(), 3u);
  f.after_rank = first.items.back().rank;
  f.after_id = first.items.back().id;
  auto second = search_profiles(conn(), fac, f);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].id, cook);
  (void)cleaner;
  (void)mason;
  (void)driver;
  // The other organisation sees only its own cook.
  EXPECT_EQ(search_profiles(conn(), stranger, {.q = "cuisine"}).total, 1);
}

TEST_P(EmploymentStore, WordSearchCombinesEveryWordWithEachFilterAndFollowsEdits) {
  // Four cooks and a cleaner who cooks, in two departments, with and without licence.
  auto with = [&](ProfileInput p, const std::string& department, bool licence, const std::string& available = "") {
    p.department = department;
    p.driving_licence = licence ? "1" : "";
    p.available_from = available;
    return p;
  };
  auto awa = ok(create_profile(conn(), mde, with(profile("Awa", "Diallo", {"G1602"}, "Cuisinière de collectivité"), "44", true), facilitator, false));
  auto binta = ok(create_profile(conn(), mde, with(profile("Binta", "Koné", {"G1602"}), "44", false), facilitator, false));
  auto chloe = ok(create_profile(conn(), mde, with(profile("Chloé", "Martin", {"G1602"}), "85", true, "2020-09-01"), facilitator, false));
  auto dina = ok(create_profile(conn(), mde, with(profile("Dina", "Sow", {"G1602"}, "", false), "44", true), facilitator, false));
  auto eric = ok(create_profile(conn(), mde, with(profile("Éric", "Guérin", {"K2204"}, "Cuisine familiale"), "44", true), facilitator, false));
  auto ids = [](const ProfilePage& page) {
    std::vector<std::int64_t> out;
    for (auto& r : page.items) out.push_back(r.id);
    return out;
  };
  using V = std::vector<std::int64_t>;
  // One prefix spanning two words of Awa ("cuisine", "cuisiniere"): she comes once.
  // Cooks (the word in their trade) before the cleaner; between cooks, newest first.
  auto all = search_profiles(conn(), fac, {.q = "cuisin"});
  EXPECT_EQ(all.total, 5);
  EXPECT_EQ(ids(all), (V{dina, chloe, binta, awa, eric}));
  // Department, licence, both, on the indexed path.
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine", .department = "44"})), (V{dina, binta, awa, eric}));
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine", .licence = true})), (V{dina, chloe, awa, eric}));
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine", .department = "44", .licence = true})), (V{dina, awa, eric}));
  // Every word must match, in any order, accents ignored.
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine DIALLO"})), (V{awa}));
  EXPECT_EQ(search_profiles(conn(), fac, {.q = "cuisine plombier"}).total, 0);
  // Trade, consent, availability with words.
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine", .trade = "K2204"})), (V{eric}));
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine", .consent_only = true})), (V{chloe, binta, awa, eric}));
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine", .available_before = "2020-06-30"})), (V{dina, binta, awa, eric}));
  // Pages of two over the ranked list: nothing lost or repeated.
  ProfileFilter f{.q = "cuisine", .limit = 2};
  V seen;
  for (int guard = 0; guard < 5; ++guard) {
    auto page = search_profiles(conn(), fac, f);
    EXPECT_EQ(page.total, 5);
    if (page.items.empty()) break;
    for (auto& r : page.items) seen.push_back(r.id);
    f.after_rank = page.items.back().rank;
    f.after_id = page.items.back().id;
  }
  EXPECT_EQ(seen, (V{dina, chloe, binta, awa, eric}));
  // An edit moves the profile in the index: Binta leaves the 44 for the 85, gets a licence.
  auto moved = with(profile("Binta", "Koné", {"G1602"}), "85", true);
  ok(update_profile(conn(), binta, moved));
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine", .department = "44"})), (V{dina, awa, eric}));
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine", .department = "85", .licence = true})), (V{chloe, binta}));
  // Another organisation's facilitator and a partner who recommended none of them see nothing.
  EXPECT_EQ(search_profiles(conn(), stranger, {.q = "cuisine"}).total, 0);
  EXPECT_EQ(search_profiles(conn(), pauline, {.q = "cuisine"}).total, 0);
  // The index rebuilt from the profiles gives the same answers.
  rebuild_profile_search(conn(), false);
  EXPECT_EQ(ids(search_profiles(conn(), fac, {.q = "cuisine", .department = "85", .licence = true})), (V{chloe, binta}));
  EXPECT_EQ(search_profiles(conn(), fac, {.q = "cuisin"}).total, 5);
}

TEST_P(EmploymentStore, CvFilesArePdfStoredWithTheirDigest) {
  auto id = ok(create_profile(conn(), mde, profile("Awa", "Diallo", {"G1602"}), facilitator, false));
  auto bad = store_cv(conn(), id, "cv.docx", "PK\x03\x04 not a pdf", facilitator);
  ASSERT_FALSE(bad);
  EXPECT_EQ(message_of(bad.error(), "cv"), "Le CV doit être un fichier PDF.");
  std::string pdf = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n\x01\x02\x00\xff%%EOF";
  pdf += std::string(1, '\0');
  ok(store_cv(conn(), id, "cv-awa.pdf", pdf, facilitator));
  auto cv = get_cv(conn(), id);
  ASSERT_TRUE(cv);
  EXPECT_EQ(cv->data, pdf);
  EXPECT_EQ(cv->size, static_cast<std::int64_t>(pdf.size()));
  EXPECT_EQ(cv->sha256, auth::sha256_hex(pdf));
  EXPECT_EQ(get_profile(conn(), fac, id)->cv_filename, "cv-awa.pdf");
}

TEST_P(EmploymentStore, PositioningsFollowTheStateMachineWithHistory) {
  auto offer = ok(create_offer(conn(), fac.scope, mde, offer_input(employer, "Apprenti·e cuisinier", "G1602", "apprenticeship"), facilitator));
  auto awa = ok(create_profile(conn(), mde, profile("Awa", "Diallo", {"G1602"}), facilitator, false));
  PositioningInput in{std::to_string(awa), std::to_string(offer), "", "e2c", "", "Motivée"};
  auto id = ok(create_positioning(conn(), fac, in, facilitator));
  auto g = *get_positioning(conn(), fac, id);
  EXPECT_EQ(g.state, "proposed");
  EXPECT_EQ(g.employer_id, employer);
  EXPECT_EQ(g.offer_contract_type, "apprenticeship");
  ok(change_positioning_state(conn(), g, "send", {}, "", facilitator));
  g = *get_positioning(conn(), fac, id);
  ok(log_preparation_call(conn(), g, "Entretien simulé, tenue, trajet", facilitator));
  ok(change_positioning_state(conn(), *get_positioning(conn(), fac, id), "interview", {}, "", facilitator));
  g = *get_positioning(conn(), fac, id);
  auto refused = change_positioning_state(conn(), g, "send", {}, "", facilitator);
  ASSERT_FALSE(refused);
  EXPECT_EQ(message_of(refused.error(), "transition"), "Impossible depuis l'état « Entretien » : Transmettre à l'employeur.");
  auto incomplete = change_positioning_state(conn(), g, "hire", {"apprenticeship", "", "35"}, "", facilitator);
  ASSERT_FALSE(incomplete);
  EXPECT_NE(web::find_error(incomplete.error(), "start_date"), nullptr);
  ok(change_positioning_state(conn(), g, "hire", {"apprenticeship", "2020-09-01", "35"}, "Signé", facilitator));
  g = *get_positioning(conn(), fac, id);
  EXPECT_EQ(g.state, "hired");
  EXPECT_EQ(g.hire_contract_type, "apprenticeship");
  EXPECT_EQ(g.hire_start_date, "2020-09-01");
  EXPECT_EQ(g.hire_weekly_minutes, 35 * 60);
  EXPECT_FALSE(g.preparation_call_at.empty());
  // A stale copy cannot move it again.
  auto stale = change_positioning_state(conn(), g, "withdraw", {}, "", facilitator);
  ASSERT_FALSE(stale);
  auto h = positioning_history(conn(), id);
  ASSERT_EQ(h.size(), 5u);
  EXPECT_EQ(h[0].transition, "create");
  EXPECT_EQ(h[1].to_state, "sent_to_employer");
  EXPECT_EQ(h[2].transition, "preparation_call");
  EXPECT_EQ(h[4].transition, "hire");
  EXPECT_EQ(h[4].from_state, "interview");
  EXPECT_EQ(h[4].note, "Signé");
  EXPECT_EQ(get_offer(conn(), fac, offer)->hires, 1);
  EXPECT_FALSE(get_positioning(conn(), stranger, id));
}

TEST_P(EmploymentStore, NoConsentNoPushNoPositioning) {
  auto shy = ok(create_profile(conn(), mde, profile("Nadia", "Sans", {"K2204"}, "", false), facilitator, false));
  PositioningInput push{std::to_string(shy), "", std::to_string(employer), "facilitator", "", ""};
  auto r = create_positioning(conn(), fac, push, facilitator);
  ASSERT_FALSE(r);
  EXPECT_EQ(message_of(r.error(), "profile_id"), std::string(kNoConsentMessage));
  EXPECT_TRUE(list_positionings(conn(), fac, {}).empty());
  // Pushed without an offer once the consent is recorded.
  auto in = profile("Nadia", "Sans", {"K2204"});
  ok(update_profile(conn(), shy, in));
  auto id = ok(create_positioning(conn(), fac, push, facilitator));
  auto g = *get_positioning(conn(), fac, id);
  EXPECT_FALSE(g.offer_id);
  EXPECT_EQ(g.employer_name, "Propreté Atlantique");
  // Consent withdrawn before sending: the CV does not leave.
  in.consent = "";
  in.consent_date = "";
  ok(update_profile(conn(), shy, in));
  auto sent = change_positioning_state(conn(), g, "send", {}, "", facilitator);
  ASSERT_FALSE(sent);
  EXPECT_EQ(message_of(sent.error(), "transition"), std::string(kNoConsentMessage));
  // Only the search with consent_only hides her.
  EXPECT_EQ(search_profiles(conn(), fac, {.consent_only = true}).total, 0);
  EXPECT_EQ(search_profiles(conn(), fac, {}).total, 1);
  // An employer out of scope cannot receive a push.
  PositioningInput far{std::to_string(shy), "", std::to_string(other_employer), "facilitator", "", ""};
  EXPECT_FALSE(create_positioning(conn(), fac, far, facilitator));
}

TEST_P(EmploymentStore, APartnerSeesOnlyWhatTheyRecommendedAndOriented) {
  auto offer = ok(create_offer(conn(), fac.scope, mde, offer_input(employer, "Agent·e d'entretien"), facilitator));
  auto mine = ok(create_profile(conn(), mde, profile("Yasmine", "Oriente", {"K2204"}), partner, true));
  auto theirs = ok(create_profile(conn(), mde, profile("Théo", "Autre", {"K2204"}), partner2, true));
  auto fac_profile = ok(create_profile(conn(), mde, profile("Fanny", "Maison", {"K2204"}), facilitator, false));
  EXPECT_TRUE(get_profile(conn(), pauline, mine));
  EXPECT_FALSE(get_profile(conn(), pauline, theirs));
  EXPECT_FALSE(get_profile(conn(), pauline, fac_profile));
  EXPECT_EQ(search_profiles(conn(), pauline, {}).total, 1);
  // She orients her candidate on the open offer; she cannot use another's profile.
  PositioningInput in{std::to_string(mine), std::to_string(offer), "", "mission_locale", std::to_string(ml), ""};
  auto id = ok(create_positioning(conn(), pauline, in, partner));
  in.profile_id = std::to_string(theirs);
  auto r = create_positioning(conn(), pauline, in, partner);
  ASSERT_FALSE(r);
  EXPECT_EQ(message_of(r.error(), "profile_id"), "Profil introuvable.");
  // A partner must name an offer (no push).
  PositioningInput push{std::to_string(mine), "", std::to_string(employer), "mission_locale", "", ""};
  EXPECT_FALSE(create_positioning(conn(), pauline, push, partner));
  // The facilitator's own positioning is not hers; hers is visible to the facilitator.
  PositioningInput f{std::to_string(fac_profile), std::to_string(offer), "", "facilitator", "", ""};
  auto fac_id = ok(create_positioning(conn(), fac, f, facilitator));
  auto hers = list_positionings(conn(), pauline, {});
  ASSERT_EQ(hers.size(), 1u);
  EXPECT_EQ(hers[0].id, id);
  EXPECT_FALSE(get_positioning(conn(), pauline, fac_id));
  EXPECT_EQ(list_positionings(conn(), fac, {}).size(), 2u);
  EXPECT_EQ(list_positionings(conn(), fac, {.partner_kind = "mission_locale"}).size(), 1u);
}

TEST_P(EmploymentStore, DashboardFiguresAreCountedFromRows) {
  auto apprentices = offer_input(employer, "Apprenti·e cuisinier", "G1602", "apprenticeship");
  apprentices.positions = "3";
  auto a = ok(create_offer(conn(), fac.scope, mde, apprentices, facilitator));
  auto c = ok(create_offer(conn(), fac.scope, mde, offer_input(employer, "Agent·e d'entretien"), facilitator));
  auto draft = offer_input(employer, "Brouillon");
  draft.status = "draft";
  ok(create_offer(conn(), fac.scope, mde, draft, facilitator));
  auto p1 = ok(create_profile(conn(), mde, profile("Awa", "Diallo", {"G1602"}), facilitator, false));
  auto p2 = ok(create_profile(conn(), mde, profile("Bilal", "Martin", {"K2204"}), facilitator, false));
  ok(create_profile(conn(), mde, profile("Nadia", "Sans", {"K2204"}, "", false), facilitator, false));
  ok(create_positioning(conn(), fac, {std::to_string(p1), std::to_string(a), "", "mission_locale", "", ""}, facilitator));
  auto hired = ok(create_positioning(conn(), fac, {std::to_string(p2), std::to_string(c), "", "e2c", "", ""}, facilitator));
  ok(change_positioning_state(conn(), *get_positioning(conn(), fac, hired), "send", {}, "", facilitator));
  ok(change_positioning_state(conn(), *get_positioning(conn(), fac, hired), "hire", {"cddi", "2020-05-11", "26"}, "", facilitator));
  ok(create_positioning(conn(), fac, {std::to_string(p2), "", std::to_string(employer), "facilitator", "", ""}, facilitator));
  const auto today = followup::format_date(paris_today());
  auto f = figures(conn(), fac.scope, "2000-01-01", today);
  EXPECT_EQ(f.offers_processed, 2);  // the draft is not processed
  EXPECT_EQ(f.hires, 1);
  EXPECT_EQ(f.in_progress, 2);       // the apprentice and the push
  EXPECT_EQ(f.work_study_posts, 3);
  EXPECT_EQ(f.orientations, 2);      // the clauses team's own push is not an orientation
  ASSERT_EQ(f.orientations_by_partner.size(), 2u);
  EXPECT_EQ(f.orientations_by_partner[0], (std::pair<std::string, std::int64_t>{"mission_locale", 1}));
  EXPECT_EQ(f.in_progress_by_contract[0], (std::pair<std::string, std::int64_t>{"apprenticeship", 1}));
  EXPECT_EQ(f.in_progress_by_contract[1], (std::pair<std::string, std::int64_t>{"", 1}));
  EXPECT_EQ(f.library_size, 3);
  EXPECT_EQ(f.library_consented, 2);
  // Another period, another scope: nothing.
  EXPECT_EQ(figures(conn(), fac.scope, "2000-01-01", "2000-12-31").library_size, 0);
  EXPECT_EQ(figures(conn(), stranger.scope, "2000-01-01", today).offers_processed, 0);
}

INSTANTIATE_ON_BOTH_ENGINES(EmploymentStore);

}  // namespace
}  // namespace passerelle::employment
