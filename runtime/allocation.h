// The allocation seam: where handled objects get and return their memory.
#pragma once

#include <cstddef>
#include <new>

namespace tenure::detail {

// Blocks for objects, weak controls and the runtime's own records: from the
// pooled allocator up to its largest size class and alignment, from
// ::operator new beyond.
void* allocate_block(std::size_t size, std::align_val_t align);
void free_block(void* block, std::size_t size, std::align_val_t align) noexcept;

// The bytes of the block allocate_block gives for `size` at the default
// alignment: the pool's size class, or `size` itself beyond the pool.
std::size_t block_bytes(std::size_t size) noexcept;

// Frees a block of a collectable object or weak control. Checked builds hold
// the most recent such blocks back for a while (a quarantine), so a handle
// used after its target was destroyed reads the poison left behind and gets
// a clear error rather than someone else's memory.
void retire_block(void* block, std::size_t size,
                  std::align_val_t align) noexcept;

}  // namespace tenure::detail
