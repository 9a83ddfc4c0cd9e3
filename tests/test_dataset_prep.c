/* data/prep.h on tiny hand-made images: channel conversion, black fraction, square padding (mean,
 * black, white), area downscaling and bilinear upscaling values, and the whole pipeline's filter. */
#include "data/prep.h"
#include "test.h"
#include <string.h>

static Image make(int w, int h, int c, const uint8_t *px) {
    Image im;
    image_alloc(&im, w, h, c);
    memcpy(im.px, px, (size_t)w * h * c);
    return im;
}

TEST(planes_grey_and_rgb) {
    const uint8_t rgb[] = {255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30};    /* 2x2 RGB */
    Image im = make(2, 2, 3, rgb);
    float g[4], p[12];
    prep_to_planes(&im, 1, g);
    CHECK_NEAR(g[0], 0.299 * 255, 1e-4);
    CHECK_NEAR(g[1], 0.587 * 255, 1e-4);
    CHECK_NEAR(g[2], 0.114 * 255, 1e-4);
    CHECK_NEAR(g[3], 0.299 * 10 + 0.587 * 20 + 0.114 * 30, 1e-4);
    prep_to_planes(&im, 3, p);                       /* planar: R plane, G plane, B plane */
    CHECK(p[0] == 255 && p[1] == 0 && p[4] == 0 && p[5] == 255 && p[10] == 255 && p[3] == 10 && p[7] == 20 && p[11] == 30);
    image_free(&im);
    const uint8_t grey[] = {7, 200};
    im = make(2, 1, 1, grey);
    prep_to_planes(&im, 3, p);                       /* grey replicated */
    CHECK(p[0] == 7 && p[2] == 7 && p[4] == 7 && p[1] == 200 && p[5] == 200);
    image_free(&im);
}

TEST(black_fraction) {
    const uint8_t g[] = {0, 10, 11, 255, 5, 100, 0, 30};
    Image im = make(4, 2, 1, g);
    CHECK_NEAR(prep_black_fraction(&im, 10), 4.0 / 8, 1e-12);
    CHECK_NEAR(prep_black_fraction(&im, 0), 2.0 / 8, 1e-12);
    image_free(&im);
    const uint8_t rgb[] = {0, 0, 0, 0, 0, 60, 200, 0, 0};   /* luminance 0, 6.84, 59.8 */
    im = make(3, 1, 3, rgb);
    CHECK_NEAR(prep_black_fraction(&im, 10), 2.0 / 3, 1e-12);
    image_free(&im);
}

TEST(pad_square_mean_black_white) {
    const float in[] = {10, 20, 30, 40, 50, 60};     /* [1, h=2, w=3] -> [1, 3, 3], one row of fill at the bottom */
    float out[9];
    prep_pad_square(1, 2, 3, in, PAD_MEAN, out);
    const float want[] = {10, 20, 30, 40, 50, 60, 35, 35, 35};
    for (int i = 0; i < 9; i++) CHECK_NEAR(out[i], want[i], 1e-6);
    prep_pad_square(1, 2, 3, in, PAD_BLACK, out);
    CHECK(out[6] == 0 && out[8] == 0 && out[0] == 10);
    const float tall[] = {1, 2, 3, 4, 5, 6, 7, 8};   /* [2 channels, h=4, w=1] -> [2, 4, 4], image in column 1 */
    float o2[32];
    prep_pad_square(2, 4, 1, tall, PAD_WHITE, o2);
    CHECK(o2[0] == 255 && o2[1] == 1 && o2[2] == 255 && o2[5] == 2 && o2[13] == 4 && o2[16 + 1] == 5 && o2[16 + 13] == 8 && o2[31] == 255);
    prep_pad_square(2, 4, 1, tall, PAD_MEAN, o2);    /* per-channel means 2.5 and 6.5 */
    CHECK(o2[0] == 2.5f && o2[15] == 2.5f && o2[16] == 6.5f && o2[31] == 6.5f && o2[5] == 2);
}

TEST(resize_area_down) {
    const float in[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};   /* 4x4 -> 2x2: block means */
    float out[4];
    CHECK(prep_resize(1, 4, 4, in, 2, 2, out) == 0);
    CHECK_NEAR(out[0], (1 + 2 + 5 + 6) / 4.0, 1e-6);
    CHECK_NEAR(out[1], (3 + 4 + 7 + 8) / 4.0, 1e-6);
    CHECK_NEAR(out[2], (9 + 10 + 13 + 14) / 4.0, 1e-6);
    CHECK_NEAR(out[3], (11 + 12 + 15 + 16) / 4.0, 1e-6);
    const float row[] = {0, 3, 6};                   /* 1x3 -> 1x2: [0, 1.5) and [1.5, 3) */
    float r2[2];
    CHECK(prep_resize(1, 1, 3, row, 1, 2, r2) == 0);
    CHECK_NEAR(r2[0], (0 * 1 + 3 * 0.5) / 1.5, 1e-6);
    CHECK_NEAR(r2[1], (3 * 0.5 + 6 * 1) / 1.5, 1e-6);
    /* a constant image stays constant; the mean is preserved by area averaging (6 -> 4 is not integral) */
    float c36[36], c16[16], s6[36], s4[16];
    for (int i = 0; i < 36; i++) { c36[i] = 77; s6[i] = (float)(i * 7 % 11); }
    CHECK(prep_resize(1, 6, 6, c36, 4, 4, c16) == 0);
    for (int i = 0; i < 16; i++) CHECK_NEAR(c16[i], 77, 1e-5);
    CHECK(prep_resize(1, 6, 6, s6, 4, 4, s4) == 0);
    double m6 = 0, m4 = 0;
    for (int i = 0; i < 36; i++) m6 += s6[i] / 36;
    for (int i = 0; i < 16; i++) m4 += s4[i] / 16;
    CHECK_NEAR(m4, m6, 1e-5);
}

TEST(resize_bilinear_up_and_copy) {
    const float in[] = {0, 4, 8, 12};                /* 2x2 -> 4x4, half-pixel centres (PyTorch align_corners=False) */
    float out[16];
    CHECK(prep_resize(1, 2, 2, in, 4, 4, out) == 0);
    /* along one axis: src = (j + 0.5) / 2 - 0.5 = -0.25 (clamped 0), 0.25, 0.75, 1.25 (clamped) -> 0, 1, 3, 4 times step */
    const float want_row0[] = {0, 1, 3, 4};
    for (int j = 0; j < 4; j++) CHECK_NEAR(out[j], want_row0[j], 1e-6);
    CHECK_NEAR(out[1 * 4 + 0], 2, 1e-6);             /* rows: 0, 2, 6, 8 added */
    CHECK_NEAR(out[2 * 4 + 2], 6 + 3, 1e-6);
    CHECK_NEAR(out[15], 12, 1e-6);
    float same[4];
    CHECK(prep_resize(1, 2, 2, in, 2, 2, same) == 0);
    for (int i = 0; i < 4; i++) CHECK(same[i] == in[i]);
}

TEST(pipeline_values_and_black_filter) {
    const uint8_t g[] = {0, 255, 255, 0};            /* 4x1 grey, half black */
    Image im = make(4, 1, 1, g);
    PrepOpts o = prep_defaults();
    o.size = 2;
    float out[4];
    char why[64] = "";
    CHECK(prep_image(&im, &o, out, why, sizeof why) == 1);
    CHECK(!strcmp(why, "black fraction 0.50 > 0.20"));
    o.max_black = 0.5f;                              /* exactly at the threshold: kept */
    CHECK(prep_image(&im, &o, out, why, sizeof why) == 0);
    /* pad 4x1 -> 4x4 with the mean 127.5 (row 1 holds the image), area 4x4 -> 2x2:
     * top-left block = (127.5 + 127.5 + 0 + 255) / 4 = 127.5 -> 0 in [-1, 1] */
    CHECK_NEAR(out[0], 0, 1e-6);
    CHECK_NEAR(out[1], 0, 1e-6);
    CHECK_NEAR(out[2], 0, 1e-6);
    o.pad = PAD_BLACK;                               /* top-left block = (0 + 0 + 0 + 255) / 4 */
    CHECK(prep_image(&im, &o, out, why, sizeof why) == 0);
    CHECK_NEAR(out[0], 63.75 / 127.5 - 1, 1e-6);
    CHECK_NEAR(out[2], -1, 1e-6);
    image_free(&im);
}

int main(void) {
    RUN(planes_grey_and_rgb);
    RUN(black_fraction);
    RUN(pad_square_mean_black_white);
    RUN(resize_area_down);
    RUN(resize_bilinear_up_and_copy);
    RUN(pipeline_values_and_black_filter);
    return test_summary();
}
