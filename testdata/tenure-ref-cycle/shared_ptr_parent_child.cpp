// The same bug with std::shared_ptr: the child is handed shared_from_this().
#include <memory>
#include <string>
#include <vector>

class Folder;

class File {
public:
  std::shared_ptr<Folder> folder;
  // CHECK-FIXES: std::weak_ptr<Folder> folder;
  std::string name;
};

class Folder : public std::enable_shared_from_this<Folder> {
public:
  void add(std::shared_ptr<File> file) {
    file->folder = shared_from_this();
    // CHECK-MESSAGES: :[[@LINE-1]]:18: warning: strong reference cycle File -folder-> Folder -files_-> File closed here: {{.*}}; make 'File::folder' a weak handle [tenure-ref-cycle]
    // CHECK-MESSAGES: :10:27: note: 'File::folder' holds a strong handle to 'Folder'
    // CHECK-MESSAGES: :26:38: note: 'Folder::files_' holds strong handles to 'File' in a 'std::vector<std::shared_ptr<File>>'
    files_.push_back(file);
  }

private:
  std::vector<std::shared_ptr<File>> files_;
};
