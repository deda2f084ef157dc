#pragma once
// Demo data of the clauses module, from seed 003 ("Accompagnement Clauses"),
// for facilitator@demo.passerelle.fr at the Maison de l'emploi de Nantes:
// public buyers (the city, the metropolis, a social landlord, the water
// authority…), a table of more than 900 active contracts across the sectors the
// seed names, building sites suspended in March 2020 under ordonnance
// n° 2020-319, and monthly insertion hours with telework, childcare and sick
// leave and partial unemployment in spring 2020, decided by the rule sets.
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::clauses {
// Loads after network::load_demo (it needs the Maison de l'emploi de Nantes and the demo users).
void load_demo(db::Connection& db, std::ostream& out);
}  // namespace passerelle::clauses
