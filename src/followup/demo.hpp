#pragma once
// Demo data of the follow-up module, from seed 003: the PLIE de Paris with its
// referents, 2 240 people followed on 15 April 2020, 3 835 contacts between
// 17 March and 15 April 2020, about 20 % not reached, about half unable to use
// e-mail, the difficulties the seed lists, and a "100 % Inclusion" programme
// with cohorts "promo 1" and "promo 2".
#include <cstdint>
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::followup {
// Loads after network::load_demo (it needs the PLIE and the demo users).
void load_demo(db::Connection& db, std::ostream& out);

// Password of every account made by load_followup_bench_data (one shared hash).
inline constexpr const char* kBenchPassword = "passerelle-bench";

// Benchmark data (issue 3, src/followup/bench_data.cpp): `participants` people
// in PLIE organisations made under the demo delegations (one per ~5 000 people),
// `referents` referent accounts (0: participants / 71), one supervisor per PLIE
// and one at the federation root, one active PLIE enrolment per person with its
// follow-up columns computed by the rules, `interactions` over the last 6 months.
// Needs network::load_demo first.
void load_followup_bench_data(db::Connection& db, std::int64_t participants, std::int64_t interactions,
                              std::int64_t referents, std::ostream& out);
}  // namespace passerelle::followup
