#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Install the build into a temporary DESTDIR and check what lands there.

Checks the desktop integration files (with their French translations merged
in), the message catalogues of every language in po/LINGUAS, and the two
programs whenever the build defines them. Also checks that the post-install
cache updates were skipped, as they must be under DESTDIR.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument('--meson', required=True)
    parser.add_argument('--builddir', required=True)
    parser.add_argument('--app-id', required=True)
    parser.add_argument('--gettext-package', required=True)
    parser.add_argument('--bindir', required=True)
    parser.add_argument('--datadir', required=True)
    parser.add_argument('--localedir', required=True)
    parser.add_argument('--linguas', required=True)
    parser.add_argument('--mime', choices=('true', 'false'), required=True)
    return parser.parse_args()


def languages(linguas_path):
    langs = []
    with open(linguas_path, encoding='utf-8') as f:
        for line in f:
            langs += line.split('#', 1)[0].split()
    return langs


def installed_programs(meson, builddir):
    """Names of the executables the build installs, from its introspection."""
    out = subprocess.run(meson + ['introspect', '--targets', builddir],
                         check=True, capture_output=True, text=True).stdout
    return {t['name'] for t in json.loads(out)
            if t['type'] == 'executable' and t.get('installed')}


class Checker:
    def __init__(self, destdir):
        self.destdir = destdir
        self.failures = 0

    def path(self, absolute):
        return os.path.join(self.destdir, absolute.lstrip(os.sep))

    def fail(self, message):
        print(f'not ok: {message}')
        self.failures += 1

    def exists(self, absolute, contains=None):
        path = self.path(absolute)
        if not os.path.isfile(path) or os.path.getsize(path) == 0:
            self.fail(f'{absolute} is missing or empty')
            return
        if contains is not None:
            with open(path, encoding='utf-8') as f:
                if contains not in f.read():
                    self.fail(f'{absolute} has no {contains!r}')
                    return
        print(f'ok: {absolute}')

    def absent(self, absolute, why):
        if os.path.exists(self.path(absolute)):
            self.fail(f'{absolute} exists: {why}')
        else:
            print(f'ok: no {absolute}')


def main():
    args = parse_args()
    meson = [args.meson]
    app_id = args.app_id
    datadir = args.datadir

    with tempfile.TemporaryDirectory(prefix='dps-install-') as destdir:
        # No --no-rebuild: `meson test` only builds what tests depend on,
        # and the install needs everything.
        result = subprocess.run(meson + ['install', '-C', args.builddir,
                                         '--destdir', destdir, '--quiet'],
                                capture_output=True, text=True)
        if result.returncode != 0:
            print(result.stdout)
            print(result.stderr, file=sys.stderr)
            print('not ok: meson install failed')
            return 1

        check = Checker(destdir)

        check.exists(f'{datadir}/applications/{app_id}.desktop', contains='Name[fr]=')
        check.exists(f'{datadir}/metainfo/{app_id}.metainfo.xml', contains='xml:lang="fr"')
        check.exists(f'{datadir}/icons/hicolor/scalable/apps/{app_id}.svg')
        check.exists(f'{datadir}/icons/hicolor/symbolic/apps/{app_id}-symbolic.svg')
        check.exists(f'{datadir}/glib-2.0/schemas/{app_id}.gschema.xml')
        mime_package = f'{datadir}/mime/packages/{app_id}.xml'
        if args.mime == 'true':
            check.exists(mime_package, contains='application/jsonl')
        else:
            check.absent(mime_package, 'the system already defines JSON Lines')

        for lang in languages(args.linguas):
            check.exists(f'{args.localedir}/{lang}/LC_MESSAGES/{args.gettext_package}.mo')

        programs = installed_programs(meson, args.builddir)
        for name in ('data-pipeline-streaming', 'dps'):
            if name in programs:
                check.exists(f'{args.bindir}/{name}')
            else:
                print(f'ok: {name} is not built here # SKIP')

        # gnome.post_install() must leave a DESTDIR alone: packages build
        # their caches on the target system.
        why = 'post-install ran under DESTDIR'
        check.absent(f'{datadir}/glib-2.0/schemas/gschemas.compiled', why)
        check.absent(f'{datadir}/icons/hicolor/icon-theme.cache', why)
        check.absent(f'{datadir}/applications/mimeinfo.cache', why)
        check.absent(f'{datadir}/mime/mime.cache', why)

        if check.failures:
            print('Installed files:')
            for root, _, files in os.walk(destdir):
                for name in sorted(files):
                    print('  ' + os.path.relpath(os.path.join(root, name), destdir))
            return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
