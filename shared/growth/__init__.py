"""The growth brain: conversion events, the nightly intelligence and what the owner reads of it."""
