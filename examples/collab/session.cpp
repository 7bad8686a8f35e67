#include "collab/session.h"

#include <utility>

namespace collab {

Session::Session(std::string user, tenure::Ref<Document> document)
    : user_(std::move(user)), document_(std::move(document)) {}

void Session::start() {
  // The planted bug: the handle keeps the session alive while an edit is
  // applied, and, stored in the session's own member, forever after.
  on_edit_ = [self = tenure::Ref<Session>::from_this(this)](const Edit& edit) {
    self->apply(edit);
  };
}

void Session::deliver(const Edit& edit) {
  if (on_edit_) on_edit_(edit);
}

void Session::apply(const Edit& edit) {
  tenure::Ref<Section> section = document_->find(edit.section);
  if (!section) section = document_->add_section(edit.section, "");
  section->set_text(edit.text);
  ++edits_applied_;
  word_count_ = document_->word_count();
}

}  // namespace collab
