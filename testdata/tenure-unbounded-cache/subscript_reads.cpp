// map[key] inserts a default value for a missing key, but code that only
// reads the value (a copy, a const reference) uses it as a lookup of a key it
// knows is there: a table filled at start-up stays quiet. Writing through the
// subscript is growth. Both tables are static (this file alone can shrink
// them), so each front end judges them from this file.
#include <map>
#include <stdexcept>
#include <string>

struct Unit {
  double factor = 1;
  std::string base;
};

static std::map<std::string, Unit> units = {{"m", {1, "m"}}, {"km", {1000, "m"}}};

void check(const std::string &name) {
  if (!units.count(name))
    throw std::runtime_error("no such unit: " + name);
}

double toBase(double v, const std::string &name) {
  check(name);
  Unit u = units[name];
  const Unit &same = units[name];
  return v * u.factor * same.factor;
}

bool known(const std::string &name) { return units[name].factor > 0; }

static std::map<std::string, bool> seen;

bool firstTime(const std::string &key) {
  if (seen[key])
    return false;
  seen[key] = true;
  // CHECK-MESSAGES: :[[@LINE-1]]:3: warning: 'seen' only grows: {{.*}} [tenure-unbounded-cache]
  return true;
}
