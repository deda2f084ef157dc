#pragma once
// Lists read on many pages and rarely changed (the referents and partners
// offered on a participant's file), kept in memory with the change stamp they
// were built under (migration 0015: triggers bump the stamp on every write to
// the rows they come from, whoever writes). A reader asks for the current stamp
// first, then gets the kept list if it was built under that stamp, or builds it
// again. Reading the stamp before the rows makes a list at worst newer than its
// stamp, never older: the next stamp read rebuilds it.
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace passerelle::db {

class Connection;

// The current value of a change stamp ("directory": organisations, users,
// user_roles, programmes). One primary-key read.
std::int64_t change_stamp(Connection& c, std::string_view name);

template <class V>
class StampedCache {
 public:
  explicit StampedCache(std::size_t max_entries = 256) : max_(max_entries) {}

  template <class Make>
  std::shared_ptr<const V> get(const std::string& key, std::int64_t stamp, Make&& make) {
    {
      std::lock_guard lock(mutex_);
      if (auto it = entries_.find(key); it != entries_.end() && it->second.first == stamp) return it->second.second;
    }
    auto value = std::make_shared<const V>(std::forward<Make>(make)());
    std::lock_guard lock(mutex_);
    if (entries_.size() >= max_ && !entries_.contains(key)) entries_.clear();
    entries_[key] = {stamp, value};
    return value;
  }

 private:
  std::size_t max_;
  std::mutex mutex_;
  std::map<std::string, std::pair<std::int64_t, std::shared_ptr<const V>>> entries_;
};

}  // namespace passerelle::db
