"""Given names that people use interchangeably (formal names and their common English diminutives).

Each group is one line: two first names that share a group are "interchangeable" for the linkage's comparison level
between exact and fuzzy matches. A name may sit in several groups (Chris: Christine and Christopher); the relation is
not transitive (Christine and Christopher do not share a group).
"""

from __future__ import annotations

from functools import cache

_GROUPS = """
abigail abby abbie gail
albert bert bertie al
alexander alex alec alexandra alexa sandy sandra xander
alfred alf alfie fred freddie
alice ali allie
andrew andy drew
angela angie
anthony tony ant
arthur art artie
barbara babs barb barbie
benjamin ben benny benji
bernard bernie
beatrice bea trixie
caroline carol carrie caz
catherine cathy kate katie kath kathy katherine kathryn cath kit kitty
charles charlie chas chuck
charlotte lottie charlie
christine chris chrissie christina tina
christopher chris kit
clifford cliff
cynthia cindy
daniel dan danny
david dave davie
deborah debbie debra deb
dennis den
derek del
donald don donnie
dorothy dot dottie dolly
douglas doug dougie
edward ed eddie ted teddy ned
edwin ed eddie
eileen eily
eleanor ellie nell nora elle
elizabeth liz lizzie beth betty bet bess bessie eliza libby elsie
emily em emmy
ernest ernie
florence flo florrie
francis frank frankie fran
frances fran fanny frankie
frederick fred freddie freddy
geoffrey geoff jeff
george georgie
gerald gerry
gillian gill jill gilly
gordon gordie
gregory greg
harold harry hal
helen nell nellie
henry harry hank hal
herbert bert herb
irene rene
jacqueline jackie jacqui
james jim jimmy jamie
janet jan jenny
jennifer jenny jen jenna
jessica jess jessie
joan joanie
joanne jo joanna
john jack johnny jon
jonathan jon jonny
joseph joe joey
joyce joy
judith judy jude
kenneth ken kenny
lawrence larry laurie
leonard len lenny leo
leslie les lesley
louise lou lulu
margaret maggie meg peggy marge madge maisie margie greta rita
marjorie marge margie
matthew matt matty
maureen mo
michael mike mick mickey micky
nicholas nick nicky
nicola nicky nikki
norman norm
pamela pam
patricia pat patsy trish tricia
patrick pat paddy
peter pete
philip phil pip
raymond ray
rebecca becky becca
reginald reg reggie
richard rich richie dick rick ricky
robert bob bobby rob robbie bert
ronald ron ronnie
rosemary rose rosie
samantha sam sammy
samuel sam sammy
sarah sally sadie
sidney sid
stanley stan
stephen steve stevie steven
susan sue susie suzanne
sylvia syl
terence terry
theodore theo ted teddy
thomas tom tommy
timothy tim timmy
valerie val
victoria vicky vicki tori
vincent vince vinny
walter walt wally
william bill billy will willie liam
winifred winnie freda
"""


@cache
def name_groups() -> dict[str, tuple[int, ...]]:
    """name -> the numbers of the groups (lines) it belongs to, lower case ASCII."""
    groups: dict[str, list[int]] = {}
    for number, line in enumerate(_GROUPS.strip().splitlines()):
        for name in dict.fromkeys(line.split()):
            groups.setdefault(name, []).append(number)
    return {name: tuple(numbers) for name, numbers in groups.items()}


def name_group_ids(first_name_std: str | None) -> list[int]:
    """The groups of a standardised first name (empty when it has none): two names are interchangeable when their
    groups intersect."""
    if not first_name_std:
        return []
    return list(name_groups().get(first_name_std, ()))
