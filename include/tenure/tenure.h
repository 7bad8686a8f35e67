// Umbrella header of the tenure handle library and runtime.
#pragma once

#include "tenure/gc.h"
#include "tenure/make.h"
#include "tenure/object.h"
#include "tenure/ref.h"
#include "tenure/shared_object.h"
#include "tenure/tracer.h"
#include "tenure/weak.h"
