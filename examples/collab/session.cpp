#include "collab/session.h"

#include <utility>

namespace collab {

Session::Session(std::string user, tenure::Ref<Document> document)
    : document(std::move(document)), user_(std::move(user)) {}

void Session::start() {
  // The planted bug: the handle keeps the session alive while an edit is
  // applied, and, stored in the session's own member, forever after.
  on_edit = [self = tenure::Ref<Session>::from_this(this)](const Edit& edit) {
    self->apply(edit);
  };
}

void Session::deliver(const Edit& edit) {
  if (on_edit) on_edit(edit);
}

void Session::apply(const Edit& edit) {
  tenure::Ref<Section> section = document->find(edit.section);
  if (!section) section = document->add_section(edit.section, "");
  section->text = edit.text;
  ++edits_applied_;
  word_count_ = document->word_count();
}

}  // namespace collab
