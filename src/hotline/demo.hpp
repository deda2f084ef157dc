#pragma once
// Demo hotline of spring 2020 (seed 000), loaded after the network's demo.
#include <cstdint>
#include <ostream>

#include "core/db/database.hpp"

namespace passerelle::hotline {
void load_demo(db::Connection& db, std::ostream& out);
// Benchmark data (bench_data.cpp): `questions` questions of the member organisations already in the database.
void load_bench_data(db::Connection& db, std::int64_t questions, std::ostream& out);
}  // namespace passerelle::hotline
