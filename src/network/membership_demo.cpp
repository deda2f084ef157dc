// Demo memberships of the directory's member structures, dated relative to
// today so that every status and view has rows: current members for years,
// a new member, an unpaid fee, a cancelled membership, a lapsed member.
#include <fmt/format.h>

#include "network/demo.hpp"
#include "network/membership_routes.hpp"
#include "network/membership_store.hpp"

namespace passerelle::network {

namespace {
struct DemoMembership {
  const char* organisation;  // name in the demo directory
  int since;                 // year of joining the network, 0 = joined a month ago
  std::int64_t fee_cents;
  enum Kind { paid, unpaid_this_year, cancelled_this_year, lapsed } kind;
};

// Fees follow a network's usual scale by size of structure (here by kind).
const DemoMembership kMemberships[] = {
    {"Rebond 93 — Association intermédiaire", 2012, 45000, DemoMembership::paid},
    {"Les Jardins de Montreuil", 2016, 60000, DemoMembership::paid},
    {"Nettoyage Solidaire Paris", 2018, 90000, DemoMembership::paid},
    {"Intérim Insertion Paris", 2019, 90000, DemoMembership::unpaid_this_year},
    {"Les Indépendants solidaires", 2020, 30000, DemoMembership::cancelled_this_year},
    {"GEIQ BTP Île-de-France", 2017, 75000, DemoMembership::paid},
    {"Loire Chantiers d'insertion", 2014, 60000, DemoMembership::paid},
    {"Orléans Services Emploi", 2011, 45000, DemoMembership::paid},
    {"Marseille Recyclage", 2015, 90000, DemoMembership::lapsed},
    {"Calanques Nature Insertion", 2019, 60000, DemoMembership::unpaid_this_year},
    {"Solipass", 2013, 60000, DemoMembership::paid},
    {"Association intermédiaire Erdre et Loire", 0, 45000, DemoMembership::paid},
    {"Nord Intérim Insertion", 2016, 90000, DemoMembership::paid},
    {"GEIQ Propreté Hauts-de-France", 2021, 75000, DemoMembership::paid},
};
}  // namespace

void load_membership_demo(db::Connection& db, std::ostream& out) {
  auto rules = load_status_rules(db);
  auto today = membership_today();
  int y = static_cast<int>(today.year());
  std::int64_t count = 0;
  for (auto& d : kMemberships) {
    auto r = db.query("SELECT id FROM organisations WHERE name = ?", {d.organisation});
    if (r.empty()) continue;
    auto org = r.rows[0].integer(0);
    auto year_values = [&](int year) {
      MembershipValues v;
      v.organisation_id = org;
      v.year = year;
      v.fee_cents = d.fee_cents;
      v.start_date = fmt::format("{}-01-01", year);
      v.end_date = fmt::format("{}-12-31", year);
      v.join_date = fmt::format("{}-01-01", d.since ? d.since : y);
      v.paid_date = fmt::format("{}-02-15", year);
      return v;
    };
    if (d.since == 0) {
      // Joined a month ago: the period starts on the day of joining.
      auto v = year_values(y);
      auto joined = add_days(today, -30);
      if (static_cast<int>(joined.year()) != y) joined = CivilDate{today.year(), std::chrono::January, std::chrono::day{1}};
      v.join_date = v.start_date = v.paid_date = iso(joined);
      create_membership(db, v, rules, today, std::nullopt, "Première adhésion");
      ++count;
      continue;
    }
    // Last year's membership, then this year's renewal (or none for a lapsed member).
    int last_year = d.kind == DemoMembership::lapsed ? y - 2 : y - 1;
    auto previous = create_membership(db, year_values(last_year), rules, today, std::nullopt, "Reprise de l'historique");
    ++count;
    if (d.kind == DemoMembership::lapsed) continue;
    auto v = year_values(y);
    if (d.kind == DemoMembership::unpaid_this_year) v.paid_date.clear();
    auto id = create_membership(db, v, rules, today, std::nullopt, "Renouvellement", previous);
    ++count;
    if (d.kind == DemoMembership::cancelled_this_year) {
      auto m = get_membership(db, {""}, id);
      override_status(db, *m, {"cancelled", "", "Cessation d'activité annoncée par le gérant"}, rules, today, std::nullopt);
    }
  }
  out << "Adhésions de démonstration : " << count << ".\n";
}

}  // namespace passerelle::network
