#pragma once
// JSON views of the module's records: the API's representation, and the data
// of the pages' templates (labels and French dates added).
#include <boost/json.hpp>

#include "network/store.hpp"

namespace passerelle::network {

boost::json::object organisation_json(const Organisation& o);
boost::json::object contact_json(const Contact& c);
// Kinds/regions/departments as <option> lists with the current value selected.
boost::json::array kind_options(const std::string& selected, bool with_siae_group = false);
boost::json::array region_options(const std::string& selected);
boost::json::array department_options(const std::string& selected);
std::string kind_label(const std::string& code);
std::string role_label(const std::string& code);

}  // namespace passerelle::network
