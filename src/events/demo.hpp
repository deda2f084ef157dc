#pragma once
// Demo events from the seeds (000, 001, 002, 004), loaded after the network's demo.
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::events {
void load_demo(db::Connection& db, std::ostream& out);
}  // namespace passerelle::events
