//! Framework controls covered by this family's checks (see `crate::frameworks`): CIS Docker
//! Benchmark v1.6.0, section 4 (container images and build files).

use crate::frameworks::Control;

pub static CONTROLS: &[Control] = &[
    Control { id: "cis-docker-1.6/4.1", title: "Ensure that a user for the container has been created" },
    Control { id: "cis-docker-1.6/4.2", title: "Ensure that containers use only trusted base images" },
    Control {
        id: "cis-docker-1.6/4.3",
        title: "Ensure that unnecessary packages are not installed in the container",
    },
    Control {
        id: "cis-docker-1.6/4.4",
        title: "Ensure images are scanned and rebuilt to include security patches",
    },
    Control { id: "cis-docker-1.6/4.5", title: "Ensure Content trust for Docker is Enabled" },
    Control {
        id: "cis-docker-1.6/4.6",
        title: "Ensure that HEALTHCHECK instructions have been added to container images",
    },
    Control {
        id: "cis-docker-1.6/4.7",
        title: "Ensure update instructions are not used alone in Dockerfiles",
    },
    Control { id: "cis-docker-1.6/4.8", title: "Ensure setuid and setgid permissions are removed" },
    Control { id: "cis-docker-1.6/4.9", title: "Ensure that COPY is used instead of ADD in Dockerfiles" },
    Control { id: "cis-docker-1.6/4.10", title: "Ensure secrets are not stored in Dockerfiles" },
    Control { id: "cis-docker-1.6/4.11", title: "Ensure only verified packages are installed" },
    Control { id: "cis-docker-1.6/4.12", title: "Ensure all signed artifacts are validated" },
];
