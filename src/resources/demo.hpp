#pragma once
// Demo resource library (seeds 000 and 003), loaded after the network's and the hotline's demo.
#include <cstdint>
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::resources {
void load_demo(db::Connection& db, std::ostream& out);
// Benchmark data (bench_data.cpp): `resources` published resources with their words, after `passerelle demo`.
void load_bench_data(db::Connection& db, std::int64_t resources, std::ostream& out);
}  // namespace passerelle::resources
