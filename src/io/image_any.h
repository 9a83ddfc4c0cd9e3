/* Reading an image of any supported format into an 8-bit Image (io/image.h), chosen by the file's
 * first bytes (not its name): PNG (io/image.h), JPEG (io/jpeg.h), TIFF (io/tiff.h). */
#ifndef MG_IMAGE_ANY_H
#define MG_IMAGE_ANY_H
#include "io/image.h"

/* 1 when the name ends in .png, .jpg, .jpeg, .tif or .tiff (any case): the files a folder scan takes */
int image_name_supported(const char *name);
int image_read_any(const char *path, Image *out);                /* 0, or -1 with mg_error_set */
#endif
