/* jget - read one value out of a JSON file, for the shell tests.
 *
 *   jget FILE PATH     print the value at PATH (strings raw, others as JSON)
 *   jget FILE          only check that FILE parses
 *
 * PATH: members separated by '.', array index [N], [key=value] selects the
 * first array element whose member 'key' is the string 'value', and a
 * trailing '#' prints the size of an array or object instead.
 * Exit: 0 found, 2 FILE does not parse (message with line and column),
 * 3 PATH not found, 4 usage. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *step(json_t *v, const char *tok, size_t len)
{
	char key[256];
	if (len >= sizeof key)
		return NULL;
	memcpy(key, tok, len);
	key[len] = 0;
	return json_is_object(v) ? json_object_get(v, key) : NULL;
}

static json_t *select_elem(json_t *arr, const char *sel)
{
	if (!json_is_array(arr))
		return NULL;
	const char *eq = strchr(sel, '=');
	if (!eq) {
		char *end;
		long i = strtol(sel, &end, 10);
		return *end || i < 0 ? NULL : json_array_get(arr, (size_t)i);
	}
	char key[256];
	size_t kl = (size_t)(eq - sel);
	if (kl >= sizeof key)
		return NULL;
	memcpy(key, sel, kl);
	key[kl] = 0;
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		json_t *m = json_object_get(e, key);
		if (json_is_string(m) && strcmp(json_string_value(m), eq + 1) == 0)
			return e;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: jget FILE [PATH]\n");
		return 4;
	}
	json_error_t err;
	json_t *root = strcmp(argv[1], "-") ? json_load_file(argv[1], 0, &err) : json_loadf(stdin, 0, &err);
	if (!root) {
		fprintf(stderr, "jget: %s:%d:%d: %s\n", argv[1], err.line, err.column, err.text);
		return 2;
	}
	if (argc == 2)
		return 0;
	char *path = argv[2];
	size_t plen = strlen(path);
	int count = plen && path[plen - 1] == '#';
	if (count)
		path[--plen] = 0;
	json_t *v = root;
	for (char *p = path; v && *p;) {
		if (*p == '.') {
			p++;
			continue;
		}
		if (*p == '[') {
			char *close = strchr(p, ']');
			if (!close)
				return 4;
			*close = 0;
			v = select_elem(v, p + 1);
			p = close + 1;
			continue;
		}
		size_t n = strcspn(p, ".[");
		v = step(v, p, n);
		p += n;
	}
	if (!v)
		return 3;
	if (count) {
		if (json_is_array(v))
			printf("%zu\n", json_array_size(v));
		else if (json_is_object(v))
			printf("%zu\n", json_object_size(v));
		else
			return 3;
	} else if (json_is_string(v)) {
		printf("%s\n", json_string_value(v));
	} else {
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		printf("%s\n", s);
		free(s);
	}
	json_decref(root);
	return 0;
}
