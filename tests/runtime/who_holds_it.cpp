// The front page's "Who holds it?" example, run by ctest so that the output
// shown there stays true (runtime.WhoHoldsIt, verification mode).
#include <tenure/tenure.h>
#include <tenure/verify.h>

#include <iostream>
#include <map>
#include <string>

struct Document : tenure::Object {
  std::string text;
};

struct Session : tenure::Object {
  tenure::Ref<Document> open;
  void trace(tenure::Tracer& t) override { t("open", open); }
};

struct Server : tenure::Object {
  std::map<int, tenure::Ref<Session>> sessions;
  void trace(tenure::Tracer& t) override { t("sessions", sessions); }
};

int main() {
  tenure::Ref<Server> server = tenure::make<Server>();
  tenure::Ref<Document> doc = tenure::make<Document>();
  server->sessions[7] = tenure::make<Session>();
  server->sessions[7]->open = doc;  // the session never lets go

  auto path = tenure::verify::retention_path(*doc);
  std::cout << tenure::verify::format_retention_path(path);
  tenure::verify::write_backrefs_dot(std::cout, *doc);
}
