#pragma once
// Demo mailings (seeds 000 and 003), loaded after the network, follow-up and
// resource library demos: the delegation's lockdown information to its
// members' contacts (sent), and the PLIE's weekly pedagogical mailing (draft).
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::mailings {
void load_demo(db::Connection& db, std::ostream& out);
}  // namespace passerelle::mailings
