#pragma once
// Demo and benchmark data for the directory, in the language of the seeds:
// a federation, its regional delegations, SIAE members of every kind, PLIE,
// partners (France Travail, missions locales, Cap emploi, E2C), employers and
// public buyers, and one demo user per role.
#include <cstdint>
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::network {

inline constexpr const char* kDemoPassword = "passerelle-demo";

// Loads the demo network into an empty database and prints the logins.
// Returns false (and loads nothing) when organisations already exist.
bool load_demo(db::Connection& db, std::ostream& out);

// National-scale dataset for `make bench`: `organisations` organisations
// under the demo delegations and `contacts` contacts, in large batches.
void load_bench_data(db::Connection& db, std::int64_t organisations, std::int64_t contacts, std::ostream& out);

// Memberships of the demo member structures (membership_demo.cpp), called by load_demo.
void load_membership_demo(db::Connection& db, std::ostream& out);
// Relationships between demo organisations (relationship_demo.cpp), called by load_demo.
void load_relationship_demo(db::Connection& db, std::ostream& out);

// A Luhn-valid SIRET derived from a number (test and demo data).
std::string demo_siret(std::int64_t n);

}  // namespace passerelle::network
