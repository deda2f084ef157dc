#pragma once
// Today's date in Europe/Paris ("2026-12-07"), the day French users live in:
// between 22:00 or 23:00 UTC and midnight it is already tomorrow in Paris.
#include <string>

namespace passerelle::web {
std::string paris_today();
}  // namespace passerelle::web
