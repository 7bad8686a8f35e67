// Filled once: inserted only in constructors, in init()-style set-up called
// from them, or in a loop over a configuration read once. The same table
// grown on every lookup miss is reported.
#include <map>
#include <memory>
#include <string>
#include <vector>

struct Device {
  std::string name;
};

struct Config {
  std::vector<std::string> devices;
  std::vector<std::pair<std::string, std::string>> aliases;
};

class DeviceTable {
public:
  static DeviceTable &instance() {
    static DeviceTable table;
    return table;
  }
  void configure(const Config &config) {
    for (const auto &name : config.devices)
      devices_.emplace(name, std::make_shared<Device>(Device{name}));
    for (const auto &[alias, target] : config.aliases)
      aliases_[alias] = target;
  }
  std::shared_ptr<Device> find(const std::string &name) const {
    auto it = devices_.find(name);
    return it == devices_.end() ? nullptr : it->second;
  }
  // A loop over a parameter, but a lookup first: the memo pattern, growth.
  void probe(const std::vector<std::string> &names) {
    for (const auto &n : names)
      if (seen_.find(n) == seen_.end())
        seen_.emplace(n, 1);
    // CHECK-MESSAGES: :[[@LINE-1]]:15: warning: 'DeviceTable::seen_' only grows: {{.*}} [tenure-unbounded-cache]
  }

private:
  DeviceTable() { init(); }
  void init() {
    units_.emplace("mm", 0.001);
    units_.emplace("m", 1.0);
    addUnit("km", 1000.0);
  }
  void addUnit(const std::string &n, double f) { units_[n] = f; }
  std::map<std::string, std::shared_ptr<Device>> devices_;
  std::map<std::string, std::string> aliases_;
  std::map<std::string, double> units_;
  std::map<std::string, int> seen_;
};

void start(const Config &c) { DeviceTable::instance().configure(c); }
