//===- Output.h - Writing reports where the user pointed -------*- C++ -*-===//
//
// An output path is written as the user would expect of a shell redirect,
// and whole or not at all where that can be had:
//   "-"                 standard output;
//   a symbolic link     its target is written (the link stays a link);
//   a FIFO, a device    streamed into (never replaced by a regular file);
//   a regular file      a temporary file in its directory renamed over it,
//   or a new one        so a failed run leaves the old content.
// A write error (a full disk, /dev/full) is an error, not a silent loss.
//
//===----------------------------------------------------------------------===//

#ifndef TENURE_ANALYZER_DRIVER_OUTPUT_H
#define TENURE_ANALYZER_DRIVER_OUTPUT_H

#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

namespace tenure::analyzer {

/// Whether \p Path can be written as writeOutput() would, checked before
/// any analysis runs so that an unwritable target costs no wait. The error
/// text says why ("No such file or directory", "is a directory").
llvm::Error checkWritable(llvm::StringRef Path);

/// Writes what \p Write produces to \p Path, by the rules above.
llvm::Error writeOutput(llvm::StringRef Path,
                        llvm::function_ref<void(llvm::raw_ostream &)> Write);

} // namespace tenure::analyzer

#endif
