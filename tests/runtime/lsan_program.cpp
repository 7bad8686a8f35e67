// Run by the leak-report tests of ASan builds (tests/CMakeLists.txt).
//   lsan_program leak    leaks one pooled SharedObject: with
//                        TENURE_POOL=malloc, LeakSanitizer must report it
//                        (collectable objects stay reachable from their
//                        thread's heap; tenure's cycle check reports those)
//   lsan_program global  keeps a pooled object, holding a heap buffer, alive
//                        through a global past exit: no leak may be reported
#include <cstring>
#include <string>

#include "tenure/tenure.h"

namespace {

struct Holder : tenure::Object {
  std::string text = std::string(100, 'x');  // a heap buffer
};

struct Shared : tenure::SharedObject {
  int value = 0;
};

// Never destroyed, so the object is still alive when LeakSanitizer looks.
tenure::Ref<Holder>* g_kept = nullptr;

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "leak") == 0) {
    Shared* leaked = tenure::make<Shared>().detach();  // never given back
    (void)leaked;
    return 0;
  }
  if (argc == 2 && std::strcmp(argv[1], "global") == 0) {
    g_kept = new tenure::Ref<Holder>(tenure::make<Holder>());
    return 0;
  }
  return 2;
}
