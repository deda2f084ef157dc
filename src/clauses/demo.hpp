#pragma once
// Demo data of the clauses module, from seed 003 ("Accompagnement Clauses"),
// for facilitator@demo.passerelle.fr at the Maison de l'emploi de Nantes:
// public buyers (the city, the metropolis, a social landlord, the water
// authority…), a table of more than 900 active contracts across the sectors the
// seed names, building sites suspended in March 2020 under ordonnance
// n° 2020-319, and monthly insertion hours with telework, childcare and sick
// leave and partial unemployment in spring 2020, decided by the rule sets.
#include <cstdint>
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::clauses {
// Loads after network::load_demo (it needs the Maison de l'emploi de Nantes and the demo users).
void load_demo(db::Connection& db, std::ostream& out);

// Benchmark data (issue 4, src/clauses/bench_data.cpp): `contracts` more contracts
// for the demo buyers of the Maison de l'emploi de Nantes and `entries` hours
// entries spread over them and over 2020, decided by the current rule sets.
// Needs load_demo first.
void load_clauses_bench_data(db::Connection& db, std::int64_t contracts, std::int64_t entries, std::ostream& out);
}  // namespace passerelle::clauses
