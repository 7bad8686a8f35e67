// Taking turns with peers: a peer benchmark program runs as a child that
// answers one request per line, so that tenure and its peers alternate
// within one run (A B A B) instead of each measuring at its own moment of a
// shared machine's load; each side's median is then compared.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace tenure::bench {

// Keeps this process, and the children it starts afterwards, on the CPU it
// runs on now, so that every side takes its turns on the same core: on a
// shared VM the cores' speeds differ, and change from minute to minute.
// Returns that CPU, or -1 when the process could not be pinned.
inline int StayOnThisCpu() {
  int cpu = sched_getcpu();
  if (cpu < 0) return -1;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set) == 0 ? cpu : -1;
}

class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() {
    if (to_) std::fclose(to_);  // end of input: the child ends
    if (from_) std::fclose(from_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }

  // Starts argv[0] with the given arguments; false when it cannot.
  bool Start(const std::vector<std::string>& argv) {
    signal(SIGPIPE, SIG_IGN);  // a dead child is an error, not a signal
    // Close-on-exec: a child started later must not hold this one's pipes
    // open, or this one never sees the end of its input.
    int to_child[2], from_child[2];
    if (pipe2(to_child, O_CLOEXEC) != 0) return false;
    if (pipe2(from_child, O_CLOEXEC) != 0) {
      close(to_child[0]);
      close(to_child[1]);
      return false;
    }
    pid_ = fork();
    if (pid_ < 0) return false;
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[0]);
      close(to_child[1]);
      close(from_child[0]);
      close(from_child[1]);
      std::vector<char*> args;
      for (const std::string& arg : argv) {
        args.push_back(const_cast<char*>(arg.c_str()));
      }
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    to_ = fdopen(to_child[1], "w");
    from_ = fdopen(from_child[0], "r");
    return to_ && from_;
  }

  // Sends one request line and returns the answer line, without its
  // newline; empty when the child has failed or ended.
  std::string Ask(const std::string& request) {
    if (!to_ || !from_) return "";
    if (std::fprintf(to_, "%s\n", request.c_str()) < 0 ||
        std::fflush(to_) != 0) {
      return "";
    }
    std::string answer;
    for (int c; (c = std::fgetc(from_)) != EOF && c != '\n';) {
      answer.push_back(static_cast<char>(c));
    }
    return answer;
  }

 private:
  pid_t pid_ = -1;
  std::FILE* to_ = nullptr;
  std::FILE* from_ = nullptr;
};

inline double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

}  // namespace tenure::bench
