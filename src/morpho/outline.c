#include "morpho/outline.h"
#include <math.h>
#include <stdlib.h>

/* the 8 neighbours, clockwise on screen starting east: E SE S SW W NW N NE */
static const int DX[8] = {1, 1, 0, -1, -1, -1, 0, 1};
static const int DY[8] = {0, 1, 1, 1, 0, -1, -1, -1};

static int dir_of(int dx, int dy) {
    for (int k = 0; k < 8; k++) if (DX[k] == dx && DY[k] == dy) return k;
    return 0;
}

int trace_outline(const uint8_t *mask, int w, int h, int *xy, int max_points) {
    int start = -1;
    for (int i = 0; i < w * h; i++) if (mask[i]) { start = i; break; }
    if (start < 0 || max_points < 1) return 0;
#define IN(x, y) ((x) >= 0 && (y) >= 0 && (x) < w && (y) < h && mask[(y) * w + (x)])
    const int sx = start % w, sy = start / w;
    int px = sx, py = sy;
    int back = 4;                       /* the west neighbour of the first pixel is background */
    int first_move = -1;                /* direction of the first step from the start pixel */
    int n = 0;
    xy[2 * n] = px; xy[2 * n + 1] = py; n++;
    for (int steps = 0; steps < 4 * w * h + 8; steps++) {
        int found = -1;
        for (int k = 1; k <= 8; k++) {
            int d = (back + k) & 7;
            if (IN(px + DX[d], py + DY[d])) { found = d; break; }
        }
        if (found < 0) break;           /* an isolated pixel */
        if (px == sx && py == sy) {     /* at the start: stop when about to repeat the first step */
            if (first_move == found) break;
            if (first_move < 0) first_move = found;
        }
        int prev = (found + 7) & 7;     /* last background neighbour checked, becomes the new backtrack */
        int bx = px + DX[prev], by = py + DY[prev];
        px += DX[found];
        py += DY[found];
        back = dir_of(bx - px, by - py);
        if (px == sx && py == sy) continue;     /* the start is stored once */
        if (n >= max_points) break;
        xy[2 * n] = px; xy[2 * n + 1] = py; n++;
    }
#undef IN
    return n;
}

double outline_perimeter(const int *xy, int n) {
    if (n < 2) return 0;
    int straight = 0, diag = 0;
    for (int i = 0; i < n; i++) {
        int j = (i + 1) % n;
        int dx = abs(xy[2 * j] - xy[2 * i]), dy = abs(xy[2 * j + 1] - xy[2 * i + 1]);
        if (dx + dy == 1) straight++;
        else if (dx == 1 && dy == 1) diag++;
    }
    return 0.948 * (straight + M_SQRT2 * diag);
}
