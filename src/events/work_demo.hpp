#pragma once
// Demo working group and funded project (seeds 002 and 004), loaded after the events' demo.
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::events {
void load_work_demo(db::Connection& db, std::ostream& out);
}  // namespace passerelle::events
