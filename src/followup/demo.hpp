#pragma once
// Demo data of the follow-up module, from seed 003: the PLIE de Paris with its
// referents, 2 240 people followed on 15 April 2020, 3 835 contacts between
// 17 March and 15 April 2020, about 20 % not reached, about half unable to use
// e-mail, the difficulties the seed lists, and a "100 % Inclusion" programme
// with cohorts "promo 1" and "promo 2".
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::followup {
// Loads after network::load_demo (it needs the PLIE and the demo users).
void load_demo(db::Connection& db, std::ostream& out);
}  // namespace passerelle::followup
