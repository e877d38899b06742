//! Java (Maven coordinates) analyzers: `pom.xml`, `gradle.lockfile`, JAR/WAR/EAR/PAR archives.
//!
//! Package names are `groupId:artifactId` (the PURL builder splits them into namespace and name).

use crate::Analyzer;

pub mod gradle_lockfile;
pub mod jar;
pub mod pom_xml;

pub(crate) fn analyzers() -> Vec<Box<dyn Analyzer>> {
    vec![Box::new(pom_xml::PomXml), Box::new(gradle_lockfile::GradleLockfile), Box::new(jar::JavaArchive)]
}
