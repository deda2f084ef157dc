#pragma once
// Demo data of the employment module, from seed 003 ("Accompagnement
// Clauses"): at the Maison de l'emploi de Nantes (the demo facilitator's
// structure), 13 offers processed, 4 hires, positionings in progress on 9
// work-study posts, 50 orientations by the partners of the "Comité technique
// emploi" (mission locale, E2C, refugee-employment association, France Travail
// IAE team, Cap emploi) and more than 100 profiles in the CV library. Every
// figure is counted from these rows by the pages, the API and the tests.
#include <cstdint>
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::employment {
// Loads after network::load_demo (it needs the facilitator and partner users).
void load_demo(db::Connection& db, std::ostream& out);
}  // namespace passerelle::employment

namespace passerelle::employment {
// Benchmark data (issue 4, "CV search"): `profiles` CV profiles in the demo
// Maison de l'emploi de Nantes (the demo facilitator's scope), spread over eight
// departments, the trades of the demo, a third with a driving licence, with
// their trades and search words, in large batches. Needs load_demo first.
void load_bench_data(db::Connection& db, std::int64_t profiles, std::ostream& out);
}  // namespace passerelle::employment
