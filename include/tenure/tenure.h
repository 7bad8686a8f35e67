// Umbrella header of the tenure handle library and runtime.
#pragma once

#include "tenure/free_list.h"
#include "tenure/gc.h"
#include "tenure/interner.h"
#include "tenure/lru_cache.h"
#include "tenure/make.h"
#include "tenure/object.h"
#include "tenure/pool.h"
#include "tenure/pool_allocator.h"
#include "tenure/ref.h"
#include "tenure/shared_object.h"
#include "tenure/small_int.h"
#include "tenure/symbol.h"
#include "tenure/tracer.h"
#include "tenure/weak.h"
