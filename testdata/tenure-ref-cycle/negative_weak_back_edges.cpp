// The fixed versions: the back edge is weak. Nothing to report.
#include <functional>
#include <memory>
#include <tenure/tenure.h>
#include <vector>

struct Document;
struct Section : tenure::Object {
  tenure::Weak<Document> document;
};
struct Document : tenure::Object {
  std::vector<tenure::Ref<Section>> sections;
  void add(tenure::Ref<Section> s) {
    s->document = tenure::Ref<Document>::from_this(this);
    sections.push_back(s);
  }
  void trace(tenure::Tracer &t) override { t(sections); }
};

class Folder;
struct File {
  std::weak_ptr<Folder> folder;
};
class Folder : public std::enable_shared_from_this<Folder> {
public:
  void add(std::shared_ptr<File> f) {
    f->folder = shared_from_this();
    files_.push_back(f);
  }
  void start() {
    on_done_ = [weak = weak_from_this()] {
      if (auto self = weak.lock()) self->files_.clear();
    };
  }
private:
  std::vector<std::shared_ptr<File>> files_;
  std::function<void()> on_done_;
};
