//===- Output.cpp - Writing reports where the user pointed ----------------===//

#include "analyzer/driver/Output.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include <cerrno>
#include <unistd.h>

namespace tenure::analyzer {
namespace fs = llvm::sys::fs;

namespace {

llvm::Error failure(std::error_code EC) {
  return llvm::createStringError(EC, EC.message());
}

/// The file a path finally names: symbolic links followed (relative targets
/// against the link's directory), the last one possibly not existing yet.
llvm::Expected<std::string> followLinks(llvm::StringRef Path) {
  std::string Current = Path.str();
  for (int Hops = 0; Hops < 40; ++Hops) {
    fs::file_status Status;
    if (fs::status(Current, Status, /*follow=*/false) ||
        Status.type() != fs::file_type::symlink_file)
      return Current;
    llvm::SmallString<256> Target;
    Target.resize_for_overwrite(4096);
    ssize_t N = ::readlink(Current.c_str(), Target.data(), Target.size());
    if (N < 0)
      return failure(std::error_code(errno, std::generic_category()));
    Target.truncate(N);
    if (llvm::sys::path::is_relative(Target)) {
      llvm::SmallString<256> Joined(llvm::sys::path::parent_path(Current));
      llvm::sys::path::append(Joined, Target);
      Target = std::move(Joined);
    }
    Current = std::string(Target);
  }
  return failure(
      std::make_error_code(std::errc::too_many_symbolic_link_levels));
}

bool isRegularOrMissing(llvm::StringRef Path) {
  fs::file_status Status;
  if (fs::status(Path, Status))
    return true;
  return Status.type() == fs::file_type::regular_file;
}

} // namespace

llvm::Error checkWritable(llvm::StringRef Path) {
  if (Path == "-")
    return llvm::Error::success();
  llvm::Expected<std::string> Target = followLinks(Path);
  if (!Target)
    return Target.takeError();
  fs::file_status Status;
  if (!fs::status(*Target, Status)) {
    if (Status.type() == fs::file_type::directory_file)
      return failure(std::make_error_code(std::errc::is_a_directory));
    if (::access(Target->c_str(), W_OK))
      return failure(std::error_code(errno, std::generic_category()));
    if (Status.type() != fs::file_type::regular_file)
      return llvm::Error::success(); // Streamed into; no temporary needed.
  }
  // A new or regular file is replaced through a temporary in its directory.
  llvm::SmallString<256> Dir(llvm::sys::path::parent_path(*Target));
  if (Dir.empty())
    Dir = ".";
  if (!fs::is_directory(Dir))
    return failure(std::make_error_code(std::errc::no_such_file_or_directory));
  if (::access(Dir.c_str(), W_OK | X_OK))
    return failure(std::error_code(errno, std::generic_category()));
  return llvm::Error::success();
}

llvm::Error writeOutput(llvm::StringRef Path,
                        llvm::function_ref<void(llvm::raw_ostream &)> Write) {
  if (Path == "-") {
    Write(llvm::outs());
    llvm::outs().flush();
    if (llvm::outs().has_error()) {
      std::error_code EC = llvm::outs().error();
      llvm::outs().clear_error();
      return failure(EC);
    }
    return llvm::Error::success();
  }
  llvm::Expected<std::string> Target = followLinks(Path);
  if (!Target)
    return Target.takeError();

  if (!isRegularOrMissing(*Target)) {
    // A FIFO, a terminal, a device: open it as it is, never replace it.
    std::error_code EC;
    llvm::raw_fd_ostream OS(*Target, EC, fs::OF_None);
    if (EC)
      return failure(EC);
    Write(OS);
    OS.close();
    if (OS.has_error()) {
      EC = OS.error();
      OS.clear_error();
      return failure(EC);
    }
    return llvm::Error::success();
  }

  llvm::Expected<fs::TempFile> Temp = fs::TempFile::create(
      *Target + ".tmp-%%%%%%", fs::all_read | fs::all_write);
  if (!Temp)
    return Temp.takeError();
  std::error_code EC;
  {
    llvm::raw_fd_ostream OS(Temp->FD, /*shouldClose=*/false);
    Write(OS);
    OS.flush();
    if (OS.has_error()) {
      EC = OS.error();
      OS.clear_error();
    }
  }
  if (EC) {
    llvm::consumeError(Temp->discard());
    return failure(EC);
  }
  return Temp->keep(*Target);
}

} // namespace tenure::analyzer
