/* Format sniffing by magic bytes, then the format's reader. */
#include "io/image_any.h"
#include "core/error.h"
#include "io/jpeg.h"
#include "io/tiff.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>

int image_name_supported(const char *name) {
    static const char *const ext[] = {".png", ".jpg", ".jpeg", ".tif", ".tiff"};
    size_t n = strlen(name);
    for (int i = 0; i < 5; i++) {
        size_t m = strlen(ext[i]);
        if (n > m && !strcasecmp(name + n - m, ext[i])) return 1;
    }
    return 0;
}

int image_read_any(const char *path, Image *out) {
    memset(out, 0, sizeof *out);
    unsigned char b[8] = {0};
    FILE *f = fopen(path, "rb");
    if (!f) return mg_error_set("%s: cannot open", path);
    size_t n = fread(b, 1, sizeof b, f);
    fclose(f);
    if (n == 0) return mg_error_set("%s: empty file", path);
    if (n >= 8 && !memcmp(b, "\x89PNG\r\n\x1a\n", 8)) return image_read_png(path, out);
    if (n >= 3 && b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF) return image_read_jpeg(path, out);
    if (n >= 4 && (!memcmp(b, "II*\0", 4) || !memcmp(b, "MM\0*", 4) || !memcmp(b, "II+\0", 4) || !memcmp(b, "MM\0+", 4)))
        return image_read_tiff(path, out);
    return mg_error_set("%s: not a PNG, JPEG or TIFF file", path);
}
