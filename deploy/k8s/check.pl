#!/usr/bin/perl
# check.pl - validate deploy/k8s's manifests offline: no cluster, no
# kubectl (its --dry-run=client still asks the API server for the kinds it
# knows, so it cannot run without a cluster - docs/kubernetes.md), no YAML
# library (Debian's perl has none in its base packages).  It reads the
# YAML subset the manifests are written in - block mappings and sequences,
# plain, single- and double-quoted scalars, comments - and refuses
# anything else (flow collections, anchors, block scalars, tabs) rather
# than guess.  Then it checks the fields that matter for guestbench:
#   apiVersion batch/v1, kind Job; restartPolicy Never; no retry
#   (backoffLimit 0, or backoffLimitPerIndex 0 for an indexed Job);
#   an indexed Job: completions = parallelism, and a required pod
#   anti-affinity on kubernetes.io/hostname that selects its own pods;
#   one container: an image (the GUESTBENCH_IMAGE placeholder in a
#   template, a real reference once rendered); Guaranteed QoS - requests
#   = limits for cpu and memory, whole CPUs; args that start guestbench's
#   PID-1 mode (init --cmdline) running the suite as JSON with
#   --label $(NODE_NAME), NODE_NAME from the downward API spec.nodeName
#   (the markers collect.sh cuts on are PID-1 mode's); the pod's own PID
#   namespace; the label collect.sh selects on; a writable /tmp when the
#   root file system is read-only.
#
#   check.pl [--template] FILE...   check; "FILE: ok" or one line per problem
#   check.pl --args FILE            print the container's args, one a line
# Exit status: 0 all good; 1 a check failed; 2 usage, unreadable file or
# YAML outside the subset.
use strict;
use warnings;

my ($template, $args_mode) = (0, 0);
while (@ARGV && $ARGV[0] =~ /^--/) {
	my $o = shift @ARGV;
	if ($o eq '--template') { $template = 1 }
	elsif ($o eq '--args') { $args_mode = 1 }
	else { print STDERR "check.pl: unknown option $o\n"; exit 2 }
}
if (!@ARGV) { print STDERR "usage: check.pl [--template] FILE... | check.pl --args FILE\n"; exit 2 }

# ------------------------------------------------------------------ YAML --

my ($file, @lines, $pos);

sub fail_yaml { my ($n, $why) = @_; print STDERR "$file:$n: $why (deploy/k8s/check.pl reads a YAML subset)\n"; exit 2 }

# A scalar's text: quotes removed, escapes of double quotes read.
sub yscalar {
	my ($s, $n) = @_;
	if ($s =~ /^"((?:[^"\\]|\\.)*)"$/) { my $v = $1; $v =~ s/\\(["\\])/$1/g; return $v }
	if ($s =~ /^'((?:[^']|'')*)'$/) { my $v = $1; $v =~ s/''/'/g; return $v }
	fail_yaml($n, "unsupported value '$s' (flow collections, anchors, aliases, tags, block scalars)")
		if $s =~ /^[\[\{&*!|>%@`]/;
	fail_yaml($n, "unbalanced quotes in '$s'") if $s =~ /^["']/;
	return $s;
}

# Drop a comment: '#' after a blank, outside quotes.
sub uncomment {
	my ($t) = @_;
	my $q = '';
	for my $i (0 .. length($t) - 1) {
		my $c = substr($t, $i, 1);
		if ($q) { $q = '' if $c eq $q; next }
		if ($c eq '"' || $c eq "'") { $q = $c if $i == 0 || substr($t, $i - 1, 1) =~ /[\s:-]/; next }
		return substr($t, 0, $i) if $c eq '#' && ($i == 0 || substr($t, $i - 1, 1) =~ /\s/);
	}
	return $t;
}

# key: value at the start of text; (key, rest) or ().
sub key_value {
	my ($t) = @_;
	return ($1, $2) if $t =~ /^([A-Za-z0-9_.\/-]+):(?:\s+(.*))?$/;
	return ();
}

sub parse_node;

# A mapping whose keys sit at column $ind.
sub parse_map {
	my ($ind) = @_;
	my %h;
	while ($pos < @lines && $lines[$pos][0] == $ind && $lines[$pos][1] !~ /^-(\s|$)/) {
		my ($n, $t) = ($lines[$pos][2], $lines[$pos][1]);
		my ($k, $v) = key_value($t) or fail_yaml($n, "expected 'key: value', got '$t'");
		fail_yaml($n, "key '$k' twice") if exists $h{$k};
		$pos++;
		$h{$k} = defined $v && $v ne '' ? yscalar($v, $n) : parse_node($ind, $n);
	}
	return \%h;
}

# A sequence whose '-' sit at column $ind.
sub parse_seq {
	my ($ind) = @_;
	my @a;
	while ($pos < @lines && $lines[$pos][0] == $ind && $lines[$pos][1] =~ /^-(\s+(.*))?$/) {
		my ($n, $rest) = ($lines[$pos][2], $2);
		if (!defined $rest || $rest eq '') { $pos++; push @a, parse_node($ind, $n); next }
		if (my @kv = key_value($rest)) {
			# "- key: v" opens a mapping whose keys are at the column after "- "
			my $col = $ind + length($lines[$pos][1]) - length($rest);
			$lines[$pos] = [ $col, $rest, $n ];
			push @a, parse_map($col);
		} else {
			$pos++;
			push @a, yscalar($rest, $n);
		}
	}
	return \@a;
}

# The value below a "key:" or "-" line: indented deeper (a sequence may sit
# at the key's own column), else empty.
sub parse_node {
	my ($ind, $n) = @_;
	return '' if $pos >= @lines;
	my ($col, $t) = @{ $lines[$pos] };
	return parse_seq($col) if $t =~ /^-(\s|$)/ && $col >= $ind;
	return '' if $col <= $ind;
	return parse_map($col);
}

# Every document of a file.
sub parse_file {
	($file) = @_;
	open my $fh, '<', $file or do { print STDERR "$file: $!\n"; exit 2 };
	my @docs;
	@lines = ();
	my $n = 0;
	my $flush = sub {
		$pos = 0;
		if (@lines) {
			my $d = parse_node(-1, 0);
			fail_yaml($lines[$pos][2], "unexpected indentation") if $pos < @lines;
			push @docs, $d;
		}
		@lines = ();
	};
	while (my $l = <$fh>) {
		$n++;
		chomp $l;
		if ($l =~ /^---\s*$/) { $flush->(); next }
		fail_yaml($n, "a tab in the indentation") if $l =~ /^\s*\t/;
		my $t = uncomment($l);
		next if $t =~ /^\s*$/;
		$t =~ s/\s+$//;
		$t =~ /^( *)(.*)$/;
		push @lines, [ length $1, $2, $n ];
	}
	$flush->();
	return @docs;
}

# ---------------------------------------------------------------- checks --

my @problems;
sub problem { push @problems, "$file: $_[0]" }

sub get {
	my ($v, @path) = @_;
	for my $p (@path) {
		return undef unless defined $v;
		if ($p =~ /^\d+$/) { return undef unless ref $v eq 'ARRAY'; $v = $v->[$p] }
		else { return undef unless ref $v eq 'HASH'; $v = $v->{$p} }
	}
	return $v;
}

sub check_container {
	my ($c, $at, $podspec) = @_;
	my $img = get($c, 'image') // '';
	if ($template) {
		problem("$at.image is '$img': a template leaves it to render.sh (GUESTBENCH_IMAGE)")
			unless $img eq 'GUESTBENCH_IMAGE';
	} elsif ($img eq '' || $img =~ /GUESTBENCH_|\s/) {
		problem("$at.image '$img' is not an image reference (render the template: deploy/k8s/render.sh --image REF)");
	}
	# Guaranteed QoS: every container's requests = limits, cpu and memory
	for my $r (qw(cpu memory)) {
		my ($req, $lim) = (get($c, 'resources', 'requests', $r), get($c, 'resources', 'limits', $r));
		if (!defined $req || !defined $lim || ref $req || ref $lim) {
			problem("$at.resources: requests.$r and limits.$r are both needed (Guaranteed QoS)");
		} elsif ($req ne $lim) {
			problem("$at.resources: requests.$r $req != limits.$r $lim (Guaranteed QoS needs requests = limits)");
		} elsif ($r eq 'cpu' && !$template && $req !~ /^[1-9][0-9]*$/) {
			problem("$at.resources: cpu $req is not a whole number of CPUs (the static CPU manager pins whole ones)");
		}
	}
	my $args = get($c, 'args');
	my @a = ref $args eq 'ARRAY' ? @$args : ();
	if (@a < 3 || $a[0] ne 'init' || $a[1] ne '--cmdline') {
		problem("$at.args must start guestbench's PID-1 mode: init --cmdline 'guestbench.run=\"suite ...\"' "
			. "(its marker lines are what collect.sh cuts on)");
	} else {
		my $cl = $a[2];
		my ($run) = $cl =~ /guestbench\.run="([^"]*)"/;
		if (!defined $run) { problem("$at.args: no guestbench.run=\"...\" in '$cl'") }
		else {
			problem("$at.args: guestbench.run runs '$run', not the suite") unless $run =~ /^suite(\s|$)/;
			problem("$at.args: the suite must print its document as JSON (--format json)")
				unless $run =~ /(^|\s)--format json(\s|$)/;
			problem("$at.args: --label \$(NODE_NAME) missing: the document would not name its node")
				unless $run =~ /(^|\s)--label \$\(NODE_NAME\)(\s|$)/;
		}
	}
	my ($node) = grep { ref $_ eq 'HASH' && ($_->{name} // '') eq 'NODE_NAME' } @{ get($c, 'env') || [] };
	problem("$at.env: NODE_NAME must come from the downward API (valueFrom.fieldRef.fieldPath: spec.nodeName)")
		unless ($node && (get($node, 'valueFrom', 'fieldRef', 'fieldPath') // '') eq 'spec.nodeName');
	if ((get($c, 'securityContext', 'readOnlyRootFilesystem') // '') eq 'true') {
		my ($tmp) = grep { ref $_ eq 'HASH' && ($_->{mountPath} // '') eq '/tmp' } @{ get($c, 'volumeMounts') || [] };
		problem("$at: a read-only root needs a volume at /tmp (gb-diskio's scratch files)") unless $tmp;
	}
}

sub check_job {
	my ($d, $i) = @_;
	my $at = "document " . ($i + 1);
	if (ref $d ne 'HASH') { problem("$at is not a mapping"); return }
	my ($api, $kind) = (get($d, 'apiVersion') // '', get($d, 'kind') // '');
	if ($api ne 'batch/v1' || $kind ne 'Job') {
		problem("$at: apiVersion/kind $api/$kind: deploy/k8s runs the suite once per node, as a batch/v1 Job");
		return;
	}
	my $name = get($d, 'metadata', 'name') // '';
	problem("$at: metadata.name '$name' is not a DNS label") unless $name =~ /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
	my $spec = get($d, 'spec');
	my $pod = get($spec, 'template', 'spec');
	if (ref $pod ne 'HASH') { problem("$at: no spec.template.spec"); return }
	my $rp = get($pod, 'restartPolicy') // '(unset: Always)';
	problem("$at: restartPolicy $rp: must be Never (a restarted suite is another measurement, and its log replaces the first)")
		unless $rp eq 'Never';
	problem("$at: shareProcessNamespace true: guestbench's PID-1 mode needs the pod's own PID namespace")
		if (get($pod, 'shareProcessNamespace') // '') eq 'true';
	my $indexed = (get($spec, 'completionMode') // '') eq 'Indexed';
	my ($bl, $blpi) = (get($spec, 'backoffLimit'), get($spec, 'backoffLimitPerIndex'));
	problem("$at: a failed run must not be retried: backoffLimit 0" . ($indexed ? " or backoffLimitPerIndex 0" : ""))
		unless (defined $bl && $bl eq '0') || ($indexed && defined $blpi && $blpi eq '0');
	my %labels = %{ get($d, 'spec', 'template', 'metadata', 'labels') || {} };
	problem("$at: the pods need the label app.kubernetes.io/name: guestbench (collect.sh's default selector)")
		unless ($labels{'app.kubernetes.io/name'} // '') eq 'guestbench';
	if ($indexed) {
		my ($c, $p) = (get($spec, 'completions') // '', get($spec, 'parallelism') // '');
		problem("$at: completions '$c' and parallelism '$p' must be the same number of nodes")
			unless $c eq $p && ($template ? $c eq 'GUESTBENCH_NODES' : $c =~ /^[1-9][0-9]*$/);
		my @terms = @{ get($pod, 'affinity', 'podAntiAffinity', 'requiredDuringSchedulingIgnoredDuringExecution') || [] };
		my $one_per_node = grep {
			my $sel = get($_, 'labelSelector', 'matchLabels') || {};
			(get($_, 'topologyKey') // '') eq 'kubernetes.io/hostname' && %$sel
				&& !grep { ($labels{$_} // "\0") ne $sel->{$_} } keys %$sel
		} @terms;
		problem("$at: an indexed Job needs a required podAntiAffinity on kubernetes.io/hostname selecting its own pods (one per node)")
			unless $one_per_node;
	}
	my @c = @{ get($pod, 'containers') || [] };
	problem("$at: one container expected, found " . scalar @c) unless @c == 1;
	check_container($c[$_], "$at: containers[$_]", $pod) for 0 .. $#c;
}

my $status = 0;
for my $f (@ARGV) {
	my @docs = parse_file($f);
	if ($args_mode) {
		my $a = get($docs[0], 'spec', 'template', 'spec', 'containers', 0, 'args');
		print "$_\n" for ref $a eq 'ARRAY' ? @$a : ();
		next;
	}
	@problems = ();
	problem("no document") unless @docs;
	check_job($docs[$_], $_) for 0 .. $#docs;
	if (@problems) { print "$_\n" for @problems; $status = 1 }
	else { print "$f: ok\n" }
}
exit $status;
