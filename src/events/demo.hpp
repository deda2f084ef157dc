#pragma once
// Demo events from the seeds (000, 001, 002, 004), loaded after the network's demo.
#include <cstdint>
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::events {
void load_demo(db::Connection& db, std::ostream& out);
// Benchmark data (bench_data.cpp): `events` events and about `registrations`
// registrations by the contacts already in the database.
void load_bench_data(db::Connection& db, std::int64_t events, std::int64_t registrations, std::ostream& out);
}  // namespace passerelle::events
