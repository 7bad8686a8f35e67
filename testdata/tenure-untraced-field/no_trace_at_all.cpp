// A collectable class with strong fields and no trace(): the collector sees
// none of its edges.
#include <map>
#include <string>
#include <tenure/tenure.h>

class Cache : public tenure::Object {
  // CHECK-MESSAGES: :[[@LINE-1]]:7: warning: 'Cache' holds traced handles ('owner', 'entries') but does not override trace(); the collector cannot free cycles through them [tenure-untraced-field]
  // CHECK-FIXES: void trace(tenure::Tracer &t) override { t(owner); t(entries); }
public:
  tenure::Ref<tenure::Object> owner;
  std::map<std::string, tenure::Ref<Cache>> entries;
};
